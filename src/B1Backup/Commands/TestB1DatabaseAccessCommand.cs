using System.Linq;
using System.Management.Automation;
using B1Backup.Core;
using B1Backup.Core.Engine;
using B1Backup.Core.Store;

namespace B1Backup.Commands
{
    /// <summary>
    /// Pre-flight for the jobs that will run unattended: whether this user on this server can back up,
    /// restore (staged and in place) and drill the database, and whether the keys the job will use can
    /// be read. Emits one object per check; -Quiet returns $true only when nothing would fail.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "B1DatabaseAccess")]
    [OutputType(typeof(AccessCheckResult), typeof(bool))]
    public sealed class TestB1DatabaseAccessCommand : ConnectionCmdlet
    {
        /// <summary>The database the connection names, when the URL does not (or to use another).</summary>
        [Parameter]
        public string? Database { get; set; }

        protected override string? DatabaseParameter => Database;

        /// <summary>Only $true when no check failed (warnings allowed).</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void EndProcessing()
        {
            var settings = ResolveConnection();
            string? database = settings.Database;
            if (database == null)
            {
                throw TerminatingError(new B1BackupException("MissingDatabase", FailureKind.InvalidArgument,
                    "Name the database to check with -Database or in the connection string."));
            }

            var results = AccessCheck.Run(settings, database, StopToken);
            results.AddRange(CheckKeys());
            if (Quiet)
            {
                WriteObject(results.All(r => r.Passed));
                return;
            }

            foreach (var result in results)
            {
                WriteObject(result);
            }
        }

        /// <summary>The signing and encryption keys the job will be given: readable, and a signing key long enough.</summary>
        private System.Collections.Generic.IEnumerable<AccessCheckResult> CheckKeys()
        {
            if (SigningKey != null || SigningKeyPath != null)
            {
                byte[]? key = ReadSigningKey();
                string? problem = null;
                try
                {
                    BackupSignature.ValidateKey(key!);
                }
                catch (B1BackupException e)
                {
                    problem = e.Message;
                }

                yield return new AccessCheckResult { Job = "Keys", Check = "SigningKey", Status = problem == null ? AccessStatus.Passed : AccessStatus.Failed, Message = problem ?? "The signing key can be read and is long enough." };
            }

            if (EncryptionKey != null || EncryptionKeyPath != null)
            {
                byte[]? key = ReadEncryptionKey();
                bool usable = key != null && key.Length > 0;
                yield return new AccessCheckResult { Job = "Keys", Check = "EncryptionKey", Status = usable ? AccessStatus.Passed : AccessStatus.Failed, Message = usable ? "The encryption key can be read." : "The encryption key is empty." };
            }
        }
    }
}
