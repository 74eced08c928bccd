using System;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    internal enum RowValueKind
    {
        Null,
        Integer,
        Slice,
        Other,
    }

    /// <summary>
    /// A value read from a row, as it will be sent: NULL, an integer that fits a long, a string without
    /// escapes (a slice of the statement), or another object (unsigned, exact number text, unescaped
    /// string, bytes) with its parameter type. A struct, so that reading a row allocates nothing.
    /// </summary>
    internal readonly struct RowValue
    {
        private RowValue(RowValueKind kind, long number, int start, int length, object? reference, MySqlDbType type)
        {
            Kind = kind;
            Number = number;
            Start = start;
            Length = length;
            Reference = reference;
            Type = type;
        }

        public static RowValue Null => new RowValue(RowValueKind.Null, 0, 0, 0, null, MySqlDbType.Null);

        public RowValueKind Kind { get; }

        public long Number { get; }

        public int Start { get; }

        public int Length { get; }

        public object? Reference { get; }

        public MySqlDbType Type { get; }

        public static RowValue Integer(long number) => new RowValue(RowValueKind.Integer, number, 0, 0, null, MySqlDbType.Int64);

        public static RowValue Slice(int start, int length) => new RowValue(RowValueKind.Slice, 0, start, length, null, MySqlDbType.VarChar);

        public static RowValue Other(object reference, MySqlDbType type) => new RowValue(RowValueKind.Other, 0, 0, 0, reference, type);

        /// <summary>The value as the driver is given it (tests compare these).</summary>
        public object ToObject(string text) => Kind switch
        {
            RowValueKind.Null => DBNull.Value,
            RowValueKind.Integer => Number,
            RowValueKind.Slice => text.Substring(Start, Length),
            _ => Reference!,
        };
    }
}
