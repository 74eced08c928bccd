namespace B1Backup.Core.Engine
{
    /// <summary>How a column's values are read and written so that they come back exactly.</summary>
    public enum ValueKind
    {
        Integer,
        Decimal,
        Float,
        Double,
        Bit,
        Year,
        Temporal,
        Text,
        Binary,
        Other,
    }
}
