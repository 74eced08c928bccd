using System;
using System.Management.Automation;
using B1Backup.Core;
using B1Backup.Core.Connection;

namespace B1Backup.Commands
{
    /// <summary>The connection parameters every cmdlet that talks to a server shares.</summary>
    public abstract class ConnectionCmdlet : KeyedCmdlet
    {
        /// <summary>DATABASE_URL form (mysql://user:password@host:port/database?ssl-mode=...) or Key=Value form. Default: $env:DATABASE_URL.</summary>
        [Parameter]
        [Alias("Url")]
        public string? ConnectionString { get; set; }

        [Parameter]
        [Alias("Host", "HostName")]
        public string? Server { get; set; }

        [Parameter]
        [ValidateRange(1, 65535)]
        public int Port { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>TLS strictness; Required by default. Lowering it below Required is allowed but warned about.</summary>
        [Parameter]
        public TlsMode SslMode { get; set; } = TlsMode.Required;

        /// <summary>The CA certificate (PEM) that signs the server's certificate, for VerifyCA and VerifyIdentity.</summary>
        [Parameter]
        public string? SslCa { get; set; }

        protected bool IsBound(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);

        /// <summary>The database the connection names beside the URL's (each cmdlet declares its own -Database: one, or several).</summary>
        protected abstract string? DatabaseParameter { get; }

        /// <summary>Combines -ConnectionString (or DATABASE_URL) with the separate parameters; separate ones win.</summary>
        protected ConnectionSettings ResolveConnection()
        {
            string? connectionString = ConnectionString ?? Environment.GetEnvironmentVariable("DATABASE_URL");
            var request = new ConnectionRequest
            {
                ConnectionString = connectionString,
                Server = Server,
                Port = IsBound(nameof(Port)) ? Port : (int?)null,
                Database = DatabaseParameter,
                TlsMode = IsBound(nameof(SslMode)) ? SslMode : (TlsMode?)null,
                SslCa = SslCa != null ? ToFileSystemPath(SslCa) : null,
            };
            if (Credential != null)
            {
                request.User = Credential.UserName;
                request.Password = Credential.GetNetworkCredential().Password;
            }

            ConnectionSettings settings;
            try
            {
                settings = ConnectionParser.Resolve(request);
            }
            catch (B1BackupException e)
            {
                throw TerminatingError(e, "connection");
            }

            if (settings.TlsLowered)
            {
                WriteWarning($"TLS is lowered to {settings.TlsMode} for {settings.Server}: data and credentials may cross the network unencrypted.");
            }

            foreach (string option in settings.IgnoredOptions)
            {
                WriteWarning($"The connection string option '{option}' is not used by B1Backup and was ignored.");
            }

            return settings;
        }
    }
}
