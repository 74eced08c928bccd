using System;
using System.Security.Authentication;
using System.Threading;
using System.Threading.Tasks;
using MySqlConnector;

namespace B1Backup.Core.Connection
{
    /// <summary>Opens connections and turns driver failures into operator messages that never carry the password.</summary>
    public static class DatabaseConnector
    {
        /// <param name="cancel">Ctrl+C: stops waiting for a server that does not answer, instead of holding
        /// the prompt until the connect timeout.</param>
        public static MySqlConnection Open(ConnectionSettings settings, CancellationToken cancel = default)
        {
            var connection = new MySqlConnection(settings.ToConnectionStringBuilder().ConnectionString);
            try
            {
                if (cancel.CanBeCanceled)
                {
                    OpenUnlessStopped(connection, cancel);
                }
                else
                {
                    connection.Open();
                }

                return connection;
            }
            // A stop (OperationCanceledException) passes through undisposed: the abandoned attempt closes its connection itself (see OpenUnlessStopped).
            catch (Exception e) when (e is MySqlException || e is AuthenticationException || e is System.IO.IOException || e is InvalidOperationException)
            {
                connection.Dispose();
                throw Explain(e, settings);
            }
        }

        /// <summary>
        /// The driver does not hear a cancellation while it waits for the server's greeting, so the wait is
        /// ours: on Ctrl+C the attempt is left to end by itself (an answer or the timeout), then closed.
        /// </summary>
        private static void OpenUnlessStopped(MySqlConnection connection, CancellationToken cancel)
        {
            var opening = connection.OpenAsync(CancellationToken.None);
            try
            {
                opening.Wait(cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                _ = opening.ContinueWith(_ => connection.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                throw;
            }
            catch (AggregateException)
            {
                // The attempt failed: the line below throws its own exception, not the wrapper.
            }

            opening.GetAwaiter().GetResult();
        }

        /// <summary>Describes a failure to connect: which server, what went wrong, and what to try.</summary>
        public static B1BackupException Explain(Exception e, ConnectionSettings settings)
        {
            string server = settings.Server;
            string detail = settings.Scrub(e.Message);
            if (IsTlsFailure(e))
            {
                string advice = settings.TlsMode >= TlsMode.VerifyCA
                    ? " If the server's certificate is signed by a private CA, pass that CA with -SslCa (or ssl-ca= in the URL)."
                    : " If this server really cannot encrypt (a local test server), lower the mode explicitly with -SslMode Preferred or Disabled.";
                return new B1BackupException("TlsFailed", FailureKind.SecurityError,
                    $"A TLS-encrypted connection to {server} could not be made (ssl-mode {settings.TlsMode}): {detail}{advice}", e)
                { Target = server };
            }

            if (e is MySqlException mysql)
            {
                switch ((MySqlErrorCode)mysql.Number)
                {
                    case MySqlErrorCode.AccessDenied:
                    case MySqlErrorCode.DatabaseAccessDenied:
                        return new B1BackupException("AccessDenied", FailureKind.PermissionDenied,
                            $"The server {server} refused user '{settings.User}': {detail} Check the user name and password in DATABASE_URL or -Credential.", e)
                        { Target = server };
                    case MySqlErrorCode.UnknownDatabase:
                        return new B1BackupException("DatabaseNotFound", FailureKind.NotFound,
                            $"The database '{settings.Database}' does not exist on {server}. Check the name in the connection string or -Database.", e)
                        { Target = settings.Database };
                    case MySqlErrorCode.UnableToConnectToHost:
                        return new B1BackupException("ServerUnreachable", FailureKind.ConnectionError,
                            $"Cannot connect to {server}: {detail} Check the host name, the port and that the server is running and reachable.", e)
                        { Target = server };
                }
            }

            return new B1BackupException("ConnectionFailed", FailureKind.ConnectionError,
                $"Cannot connect to {server}: {detail}", e)
            { Target = server };
        }

        private static bool IsTlsFailure(Exception e)
        {
            for (Exception? current = e; current != null; current = current.InnerException)
            {
                if (current is AuthenticationException
                    || current.Message.IndexOf("SSL", StringComparison.OrdinalIgnoreCase) >= 0
                    || current.Message.IndexOf("TLS", StringComparison.OrdinalIgnoreCase) >= 0
                    || current.Message.IndexOf("certificate", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
