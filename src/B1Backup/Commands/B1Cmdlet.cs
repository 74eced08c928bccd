using System;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using B1Backup.Core;

namespace B1Backup.Commands
{
    /// <summary>What every B1Backup cmdlet shares: engine failures become proper ErrorRecords, and Ctrl+C reaches the engine.</summary>
    public abstract class B1Cmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();

        /// <summary>
        /// Cancelled when the pipeline is stopped (Ctrl+C, a runbook's timeout): every engine call gets it, so
        /// the engine stops its work and cleans up after itself instead of being cut off.
        /// </summary>
        protected CancellationToken StopToken => stopping.Token;

        protected override void StopProcessing()
        {
            try
            {
                stopping.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // A stop that races the end of the pipeline: the cmdlet is done and disposed, nothing is left to stop.
            }
        }

        /// <summary>PowerShell disposes a cmdlet that implements IDisposable once its pipeline ends.</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (disposing)
            {
                stopping.Dispose();
                if (MovesData)
                {
                    GiveBackMemory();
                }
            }
        }

        /// <summary>The cmdlet moves a whole database or backup through this process (see <see cref="GiveBackMemory"/>).</summary>
        protected virtual bool MovesData => false;

        /// <summary>
        /// A backup or restore leaves megabytes of freed buffers in the heap, which a long-lived process (an
        /// admin's console, a runbook sandbox capped at 400 MB) keeps until the runtime decides to collect:
        /// eight jobs in a row (backups and restores of the bench's two sets) peaked at 434 MB, and at 331-349 MB
        /// with a full collection at the end of each (measured). It took 7-15 ms with the session's 5 MB of live objects.
        /// </summary>
        private static void GiveBackMemory()
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        protected ErrorRecord ToErrorRecord(B1BackupException e, object? target = null) =>
            new ErrorRecord(e, e.ErrorId, ToCategory(e.Kind), e.Target ?? target);

        protected void WriteEngineError(B1BackupException e, object? target = null) => WriteError(ToErrorRecord(e, target));

        protected void ThrowEngineError(B1BackupException e, object? target = null) => ThrowTerminatingError(ToErrorRecord(e, target));

        /// <summary>
        /// Stops the cmdlet with the engine's error, for call sites that must show the compiler they end here:
        /// <c>throw TerminatingError(e);</c>. ThrowTerminatingError always throws, so the return is never reached.
        /// </summary>
        protected System.Exception TerminatingError(B1BackupException e, object? target = null)
        {
            ThrowTerminatingError(ToErrorRecord(e, target));
            return e;
        }

        /// <summary>Verbose output for the engine's log: never throws, so a stopped pipeline cannot cut the engine's clean-up short.</summary>
        protected void Log(string message)
        {
            try
            {
                WriteVerbose(message);
            }
            catch (PipelineStoppedException)
            {
                // Ctrl+C: the engine is told through its cancellation token.
            }
        }

        /// <summary>A path as PowerShell sees it (relative to the current location, PSDrives resolved) made a file-system path.</summary>
        protected string ToFileSystemPath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

        /// <summary>A blob storage URL as it is; anything else as a full file-system path.</summary>
        protected string ToLocation(string path) => B1Backup.Core.Remote.BackupLocations.IsRemote(path) ? path : ToFileSystemPath(path);

        protected static bool IsStore(string path) => B1Backup.Core.Remote.BackupLocations.IsRemote(path);

        /// <summary>
        /// The storage credentials from parameters, else from the variables each SDK's users expect (the Azure
        /// CLI's, the AWS ones). An S3 credential is the access key as the user name and the secret as the password.
        /// </summary>
        protected static B1Backup.Core.Remote.StoreAccess Access(string? connectionString, string? accountKey, string? endpoint, PSCredential? s3Credential) =>
            B1Backup.Core.Remote.StoreAccess.Resolve(connectionString, accountKey, endpoint, s3Credential?.UserName, s3Credential?.GetNetworkCredential().Password);

        /// <summary>
        /// A backup root that does not exist, or an environment folder given for the root, lists
        /// nothing, and nothing must never look like "no problem": both are errors that say what to pass.
        /// </summary>
        protected void RequireBackupRoot(string root)
        {
            if (!System.IO.Directory.Exists(root))
            {
                ThrowEngineError(new B1BackupException("BackupRootNotFound", FailureKind.NotFound,
                    $"The backup folder '{root}' does not exist. Pass the folder that holds the environment folders (Backup-B1Database -Path), for example ./backups."), root);
            }

            if (System.IO.Directory.EnumerateFiles(root, "backup_*").Any(f => B1Backup.Core.Store.BackupName.TryParse(System.IO.Path.GetFileName(f), out _, out _, out _)))
            {
                ThrowEngineError(new B1BackupException("BackupRootIsEnvironmentFolder", FailureKind.InvalidArgument,
                    $"'{root}' holds backup files itself: it is an environment folder. Pass its parent, '{System.IO.Path.GetDirectoryName(root.TrimEnd('/', '\\'))}', and select the environment with -Environment."), root);
            }
        }

        private static ErrorCategory ToCategory(FailureKind kind) => kind switch
        {
            FailureKind.InvalidArgument => ErrorCategory.InvalidArgument,
            FailureKind.NotFound => ErrorCategory.ObjectNotFound,
            FailureKind.InvalidData => ErrorCategory.InvalidData,
            FailureKind.ConnectionError => ErrorCategory.ConnectionError,
            FailureKind.PermissionDenied => ErrorCategory.PermissionDenied,
            FailureKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
            FailureKind.OperationStopped => ErrorCategory.OperationStopped,
            FailureKind.SecurityError => ErrorCategory.SecurityError,
            FailureKind.NotSupported => ErrorCategory.NotImplemented,
            FailureKind.WriteError => ErrorCategory.WriteError,
            _ => ErrorCategory.NotSpecified,
        };
    }
}
