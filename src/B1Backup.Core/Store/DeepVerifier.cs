using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using B1Backup.Core.Archive;
using B1Backup.Core.Restore;

namespace B1Backup.Core.Store
{
    /// <summary>
    /// Test-B1BackupChecksum -Deep: after the checksum, decompresses the whole file and checks its
    /// content: the compression is sound, the script ends with its end marker, and the tables and
    /// row counts it holds are those the manifest recorded.
    /// </summary>
    public static class DeepVerifier
    {
        public static ChecksumResult Verify(string path, Action<long, long>? progress = null, byte[]? signingKey = null, byte[]? encryptionKey = null)
        {
            var result = ChecksumVerifier.Verify(path, signingKey);
            result.Deep = true;
            if (!result.Passed)
            {
                return result;
            }

            var encrypted = BackupManifest.TryRead(path);
            if (encrypted?.Encryption != null)
            {
                return VerifyEncrypted(result, path, encrypted, encryptionKey);
            }

            var content = ArchiveReader.Check(path, progress);
            if (content.Problem != null && !content.Problem.StartsWith("The script does not end", StringComparison.Ordinal))
            {
                return Fail(result, ChecksumReason.CorruptCompression, content.Problem + " Do not restore this file; use another backup.");
            }

            if (!content.HasEndMarker)
            {
                return Fail(result, ChecksumReason.MissingEndMarker,
                    "The script has no end-of-dump line: it was cut short (perhaps at a compression boundary, which leaves valid gzip) even though its checksum file matches it. Do not restore it; use another backup.");
            }

            var manifest = BackupManifest.TryRead(path);
            bool partsCoverFile = manifest != null && manifest.Members.Count > 0 && manifest.Members.Sum(m => m.Length) == new FileInfo(path).Length;
            if (!partsCoverFile && ArchiveReader.CompressionOf(path) == CompressionKind.Gzip && GzipMembers.HasTrailingGarbage(path, content.UncompressedSize))
            {
                return Fail(result, ChecksumReason.TrailingData,
                    "The file has bytes after its last gzip member that are not gzip: something was appended after it was written (its checksum file was made afterwards). Do not restore it; use another backup.");
            }

            var guard = NewGuard(manifest);
            string? difference;
            try
            {
                difference = CompareWithManifest(AllStatements(path, guard), guard, manifest, content.UncompressedSize);
            }
            catch (B1BackupException e) when (e is StatementRefusedException || e is ScriptUnreadableException)
            {
                return Fail(result, ChecksumReason.NotRestorable, e.Message + " Restore-B1Database would refuse this backup.");
            }

            if (difference != null)
            {
                return Fail(result, ChecksumReason.ManifestMismatch, difference + " The backup does not hold what its manifest records; do not rely on it.");
            }

            result.Message = manifest != null
                ? $"The file matches its checksum, decompresses completely, ends with its end marker and holds the {manifest.Tables.Count} tables and {manifest.Tables.Sum(t => t.Rows)} rows its manifest records."
                : "The file matches its checksum, decompresses completely and ends with its end marker (no manifest to compare the tables with).";
            return result;
        }

        /// <summary>An encrypted backup: each member must decrypt and decompress, the last must end the script, and the content must match the manifest.</summary>
        private static ChecksumResult VerifyEncrypted(ChecksumResult result, string path, BackupManifest manifest, byte[]? key)
        {
            MemberCipher cipher;
            try
            {
                cipher = MemberCipher.Open(key, manifest.Encryption!, path);
            }
            catch (B1BackupException e)
            {
                return Fail(result, ChecksumReason.EncryptionKeyRequired, e.Message);
            }

            long size = 0;
            var guard = NewGuard(manifest);
            var statements = new List<JudgedStatement>();
            string last = string.Empty;
            try
            {
                using var file = ArchiveReader.OpenFile(path);
                for (int index = 0; index < manifest.Members.Count; index++)
                {
                    using var content = ArchiveReader.OpenMember(file, path, manifest, index, cipher);
                    using var text = new MemoryStream();
                    content.CopyTo(text);
                    size += text.Length;
                    text.Position = 0;
                    if (index == manifest.Members.Count - 1)
                    {
                        last = Encoding.UTF8.GetString(text.ToArray());
                    }

                    statements.AddRange(new ScriptReader(text, guard.Dialect).ReadStatements().Select(st => Judge(guard, st)));
                }
            }
            catch (DecryptionFailedException e)
            {
                return Fail(result, ChecksumReason.DecryptionFailed, e.Message);
            }
            catch (B1BackupException e) when (e is StatementRefusedException || e is ScriptUnreadableException)
            {
                return Fail(result, ChecksumReason.NotRestorable, e.Message + " Restore-B1Database would refuse this backup.");
            }
            catch (Exception e) when (e is InvalidDataException || e is EndOfStreamException || e is ZstdSharp.ZstdException)
            {
                return Fail(result, ChecksumReason.CorruptCompression, "A part does not decompress: " + e.Message);
            }

            if (!ArchiveReader.EndsWithEndMarker(last))
            {
                return Fail(result, ChecksumReason.MissingEndMarker, "The script has no end-of-dump line. Do not restore it; use another backup.");
            }

            string? difference = CompareWithManifest(statements, guard, manifest, size);
            if (difference != null)
            {
                return Fail(result, ChecksumReason.ManifestMismatch, difference + " The backup does not hold what its manifest records; do not rely on it.");
            }

            result.Message = $"The file matches its checksum; every encrypted part decrypts and decompresses, the script ends with its end marker and holds the {manifest.Tables.Count} tables and {manifest.Tables.Sum(t => t.Rows)} rows its manifest records.";
            return result;
        }

        /// <summary>Deep checks read as a restore would, trusting stored code: they find what a restore could not read, not what it may refuse by choice.</summary>
        private static StatementGuard NewGuard(BackupManifest? manifest) =>
            new StatementGuard(manifest?.Database, null, null, new RestoreOptions { TrustStoredCode = true, KeepDefiners = true });

        /// <summary>A B1Backup data statement is judged by the data rule (it holds @b1_value pieces), anything else by the script rule.</summary>
        private static JudgedStatement Judge(StatementGuard guard, ScriptStatement statement)
        {
            if (statement.Text.StartsWith("INSERT INTO `", StringComparison.Ordinal) || statement.Text.StartsWith("SET @b1_value", StringComparison.Ordinal))
            {
                try
                {
                    return StatementGuard.JudgeData(statement);
                }
                catch (B1BackupException)
                {
                    // Not in B1Backup's own data form: the script rule decides.
                }
            }

            return guard.Judge(statement);
        }

        private static IEnumerable<JudgedStatement> AllStatements(string path, StatementGuard guard)
        {
            using var file = ArchiveReader.OpenFile(path);
            using var script = ArchiveReader.OpenContent(file, ArchiveReader.CompressionOf(path));
            foreach (var statement in new ScriptReader(script, guard.Dialect).ReadStatements())
            {
                yield return Judge(guard, statement);
            }
        }

        /// <summary>Reads every statement; compares the tables and rows with the manifest when there is one.</summary>
        private static string? CompareWithManifest(IEnumerable<JudgedStatement> statements, StatementGuard guard, BackupManifest? manifest, long uncompressedSize)
        {
            if (manifest != null && manifest.UncompressedSize > 0 && manifest.UncompressedSize != uncompressedSize)
            {
                return $"The script is {uncompressedSize} bytes, the manifest records {manifest.UncompressedSize}.";
            }

            var tables = new List<string>();
            var rows = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var judged in statements)
            {
                if (judged.Table != null)
                {
                    tables.Add(judged.Table);
                }
                else if (judged.InsertTable != null)
                {
                    rows[judged.InsertTable] = (rows.TryGetValue(judged.InsertTable, out long n) ? n : 0) + judged.Rows;
                }
            }

            if (manifest == null)
            {
                return null;
            }

            var recorded = manifest.Tables.Select(t => t.Name).ToList();
            var missing = recorded.Except(tables, StringComparer.Ordinal).ToList();
            var extra = tables.Except(recorded, StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || extra.Count > 0)
            {
                return "Tables differ from the manifest" + (missing.Count > 0 ? "; missing: " + string.Join(", ", missing) : string.Empty) + (extra.Count > 0 ? "; not recorded: " + string.Join(", ", extra) : string.Empty) + ".";
            }

            foreach (var table in manifest.Tables)
            {
                long found = rows.TryGetValue(table.Name, out long n) ? n : 0;
                if (found != table.Rows)
                {
                    return $"Table {table.Name} holds {found} rows in the script, the manifest records {table.Rows}.";
                }
            }

            return null;
        }

        private static ChecksumResult Fail(ChecksumResult result, ChecksumReason reason, string message)
        {
            result.Passed = false;
            result.Reason = reason;
            result.Message = message;
            return result;
        }
    }
}
