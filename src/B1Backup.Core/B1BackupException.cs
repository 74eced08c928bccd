using System;

namespace B1Backup.Core
{
    /// <summary>
    /// The engine's one exception type. Messages are written for an operator: they say what
    /// happened and what to do, and never contain a password.
    /// </summary>
    public class B1BackupException : Exception
    {
        public B1BackupException(string errorId, FailureKind kind, string message, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
        }

        /// <summary>A stable identifier such as "InvalidConnectionString", used as the ErrorRecord's id.</summary>
        public string ErrorId { get; }

        public FailureKind Kind { get; }

        /// <summary>The file, database or setting the failure is about, when there is one.</summary>
        public object? Target { get; set; }
    }
}
