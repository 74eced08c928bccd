using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// One restore of a target at a time, server-wide: a named lock (GET_LOCK) held on its own
    /// connection for as long as the restore runs. A second restore of the same target is refused
    /// at once, and so cannot take the first one's staging copy for abandoned and drop it.
    /// </summary>
    internal sealed class RestoreLock : IDisposable
    {
        private readonly MySqlConnection connection;

        private RestoreLock(MySqlConnection connection)
        {
            this.connection = connection;
        }

        public static RestoreLock Take(MySqlConnection admin, string target, ConnectionSettings settings, CancellationToken cancel = default)
        {
            var connection = DatabaseConnector.Open(settings.WithDatabase(null), cancel);
            try
            {
                using var command = new MySqlCommand("SELECT GET_LOCK(@name, 0)", connection);
                command.Parameters.AddWithValue("@name", NameFor(target));
                object? got = command.ExecuteScalar();
                if (got == null || got is DBNull || Convert.ToInt64(got, CultureInfo.InvariantCulture) != 1)
                {
                    throw new B1BackupException("RestoreInProgress", FailureKind.ResourceUnavailable,
                        $"Another restore of {Sql.Identifier(target)} is running on this server. Wait for it to finish, then restore again. Nothing was changed.")
                    { Target = target };
                }

                return new RestoreLock(connection);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        /// <summary>Lock names are at most 64 characters: the target's name is hashed.</summary>
        internal static string NameFor(string target)
        {
            using var sha = SHA256.Create();
            byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(target));
            return "b1backup.restore." + BitConverter.ToString(hash, 0, 16).Replace("-", string.Empty);
        }

        public void Dispose()
        {
            // Closing the connection releases the lock, also when RELEASE_LOCK cannot be sent any more.
            connection.Dispose();
        }
    }
}
