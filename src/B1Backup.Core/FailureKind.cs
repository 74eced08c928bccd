namespace B1Backup.Core
{
    /// <summary>What went wrong, in terms the cmdlets can map to an error category.</summary>
    public enum FailureKind
    {
        InvalidArgument,
        NotFound,
        InvalidData,
        ConnectionError,
        PermissionDenied,
        ResourceUnavailable,
        OperationStopped,
        SecurityError,
        NotSupported,
        WriteError,
    }
}
