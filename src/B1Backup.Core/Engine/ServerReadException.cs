using System;

namespace B1Backup.Core.Engine
{
    /// <summary>The server or the connection failed while a backup read from it (as opposed to the disk failing).</summary>
    public sealed class ServerReadException : Exception
    {
        public ServerReadException(Exception inner)
            : base(inner.Message, inner)
        {
        }
    }
}
