using System;
using System.IO;
using MySqlConnector;

namespace B1Backup.Core.Engine
{
    /// <summary>Marks failures of reads from the server, so they are told apart from write failures.</summary>
    internal static class ServerRead
    {
        public static T Run<T>(Func<T> read)
        {
            try
            {
                return read();
            }
            catch (Exception e) when (e is MySqlException || e is IOException || e is InvalidOperationException)
            {
                throw new ServerReadException(e);
            }
        }
    }
}
