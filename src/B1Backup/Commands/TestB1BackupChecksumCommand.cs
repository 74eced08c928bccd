using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using B1Backup.Core;
using B1Backup.Core.Remote;
using B1Backup.Core.Store;

namespace B1Backup.Commands
{
    /// <summary>Recomputes each backup's SHA-256 and compares it with its sha256sum-format sidecar.</summary>
    [Cmdlet(VerbsDiagnostic.Test, "B1BackupChecksum")]
    [OutputType(typeof(ChecksumResult), typeof(bool))]
    public sealed class TestB1BackupChecksumCommand : KeyedCmdlet
    {
        private bool allPassed = true;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath", "LiteralPath")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = new string[0];

        /// <summary>Also decompress and check the content: compression, end marker, tables and rows against the manifest.</summary>
        [Parameter]
        public SwitchParameter Deep { get; set; }

        /// <summary>Return only $true (every file passed) or $false.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        private byte[]? key;
        private byte[]? encryptionKey;

        protected override void BeginProcessing()
        {
            key = ReadSigningKey();
            encryptionKey = ReadEncryptionKey();
        }

        [Parameter]
        public string? StorageConnectionString { get; set; }

        [Parameter]
        public string? StorageAccountKey { get; set; }

        [Parameter]
        public string? Endpoint { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? StorageCredential { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string file in ResolvePaths())
            {
                ChecksumResult result;
                if (IsStore(file))
                {
                    try
                    {
                        result = VerifyStored(file);
                    }
                    catch (B1BackupException e)
                    {
                        WriteEngineError(e, file);
                        allPassed = false;
                        continue;
                    }
                    catch (System.OperationCanceledException)
                    {
                        return;
                    }
                }
                else if (Deep)
                {
                    ProgressReporter<(long Read, long Total)>? reporter = null;
                    using var progress = reporter = new ProgressReporter<(long Read, long Total)>(this, 3, "Test-B1BackupChecksum -Deep", (p, record) =>
                    {
                        record.StatusDescription = $"{System.IO.Path.GetFileName(file)}: {p.Read / 1048576.0:N1} of {p.Total / 1048576.0:N1} MB at {p.Read / 1048576.0 / System.Math.Max(0.001, reporter!.Elapsed.TotalSeconds):N1} MB/s";
                        record.PercentComplete = p.Total > 0 ? (int)(p.Read * 100 / p.Total) : -1;
                        record.SecondsRemaining = reporter.SecondsLeft(p.Read, p.Total);
                        return true;
                    });
                    result = DeepVerifier.Verify(file, (read, total) => progress.Report((read, total)), key, encryptionKey);
                }
                else
                {
                    result = ChecksumVerifier.Verify(file, key);
                }

                WriteVerbose($"{result.FullName}: {result.Reason}. {result.Message}");
                allPassed &= result.Passed;
                if (!Quiet)
                {
                    WriteObject(result);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (Quiet)
            {
                WriteObject(allPassed);
            }
        }

        /// <summary>
        /// Wildcards expand to existing files; a literal path is checked as given, so a missing file is
        /// reported, not thrown. A file that exists under its literal name is taken as named, even
        /// with brackets in it: that is what a piped backup object (FullName) means.
        /// </summary>
        /// <summary>
        /// A backup in a store is hashed as it streams. -Deep and signatures need the local checks, so a
        /// backup that passes is then copied to a private temporary folder, checked there and deleted.
        /// </summary>
        private ChecksumResult VerifyStored(string location)
        {
            var (backups, backupKey) = BackupLocations.OpenBackup(location, Access(StorageConnectionString, StorageAccountKey, Endpoint, StorageCredential));
            var streamed = backups.Verify(backupKey, StopToken);
            if (!streamed.Passed || (!Deep && key == null))
            {
                return streamed;
            }

            string local = BackupLocations.DownloadToScratch(backups, backupKey, null, Log, StopToken);
            try
            {
                var result = Deep ? DeepVerifier.Verify(local, null, key, encryptionKey) : ChecksumVerifier.Verify(local, key);
                string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(local))!;
                result.Message = result.Message.Replace(local, streamed.FullName).Replace(folder, "(temporary copy)");
                result.FullName = streamed.FullName;
                result.ChecksumPath = streamed.ChecksumPath;
                return result;
            }
            finally
            {
                BackupLocations.DeleteScratch(local);
            }
        }

        private IEnumerable<string> ResolvePaths()
        {
            foreach (string path in Path)
            {
                if (IsStore(path))
                {
                    yield return path;
                }
                else if (WildcardPattern.ContainsWildcardCharacters(path) && !File.Exists(ToFileSystemPath(path)))
                {
                    foreach (string resolved in GetResolvedProviderPathFromPSPath(path, out _))
                    {
                        yield return resolved;
                    }
                }
                else
                {
                    yield return ToFileSystemPath(path);
                }
            }
        }
    }
}
