using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using B1Backup.Core.Archive;
using B1Backup.Core.Store;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// Reads a backup without a server before anything is touched: checksum, signature, manifest, end marker,
    /// and for a plain script every statement. What it finds goes into the RestorePlan the restore runs from.
    /// </summary>
    internal static class RestorePreparation
    {
        private static readonly Regex DumpHeaderDatabase = new Regex(@"Database: (?<db>\S+)", RegexOptions.CultureInvariant);

        /// <summary>
        /// Reads the whole backup without a server: its checksum, its end marker and every statement.
        /// Any problem stops here, before a connection that writes is opened. The file is opened once:
        /// the checksum and signature are verified on that handle, and the restore reads through it.
        /// </summary>
        internal static RestorePlan Prepare(string path, IProgress<RestoreProgress>? progress = null, byte[]? signingKey = null, byte[]? encryptionKey = null)
        {
            var plan = new RestorePlan { Path = path };
            if (!File.Exists(path))
            {
                plan.Checksum = ChecksumVerifier.Verify(path, signingKey);
                throw ChecksumFailed(plan);
            }

            // The manifest is not covered by the checksum: it only says where the parts are, and every
            // part it names is hashed on its own in the same pass, so that what loads is what was verified.
            var manifest = BackupManifest.TryRead(path, out string? manifestProblem);
            if (manifestProblem != null)
            {
                throw new B1BackupException("ManifestInvalid", FailureKind.InvalidData,
                    $"The backup '{path}' cannot be restored as it stands: {manifestProblem}. Nothing was changed. Move the .manifest.json aside to restore the file as a plain script (not possible for an encrypted backup), or use another backup.")
                { Target = path };
            }

            var ranges = manifest != null && manifest.Members.Count > 0 ? manifest.Members.Select(m => (m.Offset, m.Length)).ToList() : null;
            try
            {
                plan.Source = VerifiedFile.Open(path, ranges);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                plan.Checksum = ChecksumVerifier.Verify(path, signingKey);
                throw ChecksumFailed(plan);
            }

            try
            {
                return PrepareVerified(plan, manifest, progress, signingKey, encryptionKey);
            }
            catch
            {
                plan.Dispose();
                throw;
            }
        }

        private static B1BackupException ChecksumFailed(RestorePlan plan) =>
            new B1BackupException("ChecksumFailed", FailureKind.InvalidData,
                $"The backup '{plan.Path}' failed its checksum check ({plan.Checksum.Reason}): {plan.Checksum.Message} Nothing was changed.")
            { Target = plan.Path };

        private static RestorePlan PrepareVerified(RestorePlan plan, BackupManifest? manifest, IProgress<RestoreProgress>? progress, byte[]? signingKey, byte[]? encryptionKey)
        {
            string path = plan.Path;
            plan.Checksum = ChecksumVerifier.Verify(path, signingKey, plan.Source!.Sha256);
            if (!plan.Checksum.Passed)
            {
                throw ChecksumFailed(plan);
            }

            plan.Manifest = manifest;
            if (DescribesThisFile(plan.Manifest, plan.Checksum, path))
            {
                // A B1Backup file: the checksum covers every byte, the manifest lists what they hold,
                // and the last member shows the end marker. No need to read it all twice.
                if (plan.Manifest!.Encryption != null)
                {
                    plan.Cipher = MemberCipher.Open(encryptionKey, plan.Manifest.Encryption, path);
                }

                var footer = plan.Manifest.Members.Last();
                if (footer.Kind != MemberKind.Footer || plan.Manifest.Members[0].Kind != MemberKind.Header || !ArchiveReader.EndsWithEndMarker(ReadMemberText(plan, plan.Manifest.Members.Count - 1)))
                {
                    throw new B1BackupException("BackupIncomplete", FailureKind.InvalidData,
                        $"The backup '{path}' does not end with its end-of-dump line. Nothing was changed; use another backup.")
                    { Target = path };
                }

                // The source database comes from the checksummed header, never from the manifest beside it.
                var header = B1HeaderDatabase.Match(ReadMemberText(plan, 0));
                plan.SourceDatabase = header.Success ? header.Groups["db"].Value.Replace("``", "`") : null;
                plan.CharacterSet = plan.Manifest.CharacterSet;
                plan.Collation = plan.Manifest.Collation;
                plan.TableNames.AddRange(plan.Manifest.Tables.Select(t => t.Name));
                plan.Statements = plan.Manifest.Members.Count;
                return plan;
            }

            // Any other script (mysqldump, mariadb-dump): one pass over the content reads its tables,
            // judges every statement, and finds its last line.
            plan.Manifest = null;
            var guard = new StatementGuard(null, null);
            using (var range = plan.Source.OpenAll())
            using (var script = new TailCapturingStream(ArchiveReader.OpenContent(range, ArchiveReader.CompressionOf(path))))
            {
                var usedDatabases = new HashSet<string>(StringComparer.Ordinal);
                var status = new RestoreProgress { Activity = "Checking the backup", BytesTotal = plan.Source.Length };
                try
                {
                    foreach (var statement in new ScriptReader(script, guard.Dialect).ReadStatements())
                    {
                        if (plan.Statements == 0)
                        {
                            var dumpHeader = DumpHeaderDatabase.Match(statement.Text.Length > 2000 ? statement.Text.Substring(0, 2000) : statement.Text);
                            plan.SourceDatabase = dumpHeader.Success ? dumpHeader.Groups["db"].Value : null;
                            guard.SourceDatabase = plan.SourceDatabase;
                        }

                        var judged = guard.Judge(statement);
                        if (judged.Database != null && usedDatabases.Add(judged.Database) && usedDatabases.Count > 1)
                        {
                            throw new B1BackupException("MultipleDatabases", FailureKind.NotSupported,
                                $"The backup '{path}' holds several databases ({string.Join(", ", usedDatabases)}), and a restore writes one. Split the dump per database (mysqldump one database at a time). Nothing was changed.")
                            { Target = path };
                        }

                        plan.Statements++;
                        if (judged.Table != null)
                        {
                            plan.TableNames.Add(judged.Table);
                        }
                        else if (plan.CharacterSet == null && judged.CharacterSet != null)
                        {
                            plan.CharacterSet = judged.CharacterSet;
                            plan.Collation = judged.Collation;
                        }

                        if ((plan.Statements & 0xFF) == 0)
                        {
                            progress?.Report(status);
                        }
                    }
                }
                catch (Exception e) when (e is InvalidDataException || e is ZstdSharp.ZstdException || e is EndOfStreamException)
                {
                    throw new B1BackupException("BackupIncomplete", FailureKind.InvalidData,
                        $"The backup '{path}' cannot be decompressed: {e.Message} Nothing was changed; use another backup.", e)
                    { Target = path };
                }

                if (!ArchiveReader.EndsWithEndMarker(script.Tail.LastLine()))
                {
                    throw new B1BackupException("BackupIncomplete", FailureKind.InvalidData,
                        $"The backup '{path}' is not a complete dump: the script does not end with an end-of-dump line (it was cut short when written, or truncated since). Nothing was changed; use another backup.")
                    { Target = path };
                }
            }

            plan.SourceDatabase ??= guard.SourceDatabase;
            return plan;
        }

        private static readonly Regex B1HeaderDatabase = new Regex(@"\A-- B1Backup \S+ dump of database `(?<db>(?:[^`]|``)+)`", RegexOptions.CultureInvariant);

        private static string ReadMemberText(RestorePlan plan, int index)
        {
            using var content = ArchiveReader.OpenMember(plan.Source!, plan.Manifest!, index, plan.Cipher, out var range);
            using var reader = new StreamReader(content, new System.Text.UTF8Encoding(false));
            string text = reader.ReadToEnd();
            range.Finish();
            return text;
        }

        /// <summary>
        /// Reads every statement of a backup's definitions (header, tables, objects) as a restore into
        /// its own database would, trusting its stored code: a backup this tool could not restore fails
        /// when it is made, never when it is needed. Returns the problem, or null. Data parts are the
        /// writer's own literal INSERTs and are not read again here.
        /// </summary>
        internal static string? CheckRestorable(string path, BackupManifest manifest, MemberCipher? cipher, string database)
        {
            var ranges = manifest.Members.Select(m => (m.Offset, m.Length)).ToList();
            using var source = VerifiedFile.Open(path, ranges);
            var guard = new StatementGuard(database, database, null, new RestoreOptions { TrustStoredCode = true, KeepDefiners = true });
            try
            {
                RestoreScreening.JudgeDefinitions(source, manifest, cipher, guard);
            }
            catch (B1BackupException e)
            {
                return e.Message;
            }

            return null;
        }

        /// <summary>A manifest with members that records exactly this file's size and hash.</summary>
        private static bool DescribesThisFile(BackupManifest? manifest, ChecksumResult checksum, string path) =>
            manifest != null
            && manifest.Members.Count > 0
            && manifest.Sha256 == checksum.Actual
            && manifest.Size == new FileInfo(path).Length
            && manifest.Members.Sum(m => m.Length) == manifest.Size;
    }
}
