using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
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
        private static readonly Regex InsertInto = new Regex(@"\AINSERT\s+(?:IGNORE\s+)?INTO\s+(?:`(?<q>(?:[^`]|``)+)`|(?<p>[\w$]+))", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

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
            if (manifest != null)
            {
                string? difference = CompareWithManifest(AllStatements(path), manifest, content.UncompressedSize);
                if (difference != null)
                {
                    return Fail(result, ChecksumReason.ManifestMismatch, difference + " The backup does not hold what its manifest records; do not rely on it.");
                }
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
            var statements = new List<ScriptStatement>();
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

                    statements.AddRange(new ScriptReader(text).ReadStatements());
                }
            }
            catch (B1BackupException e) when (e.ErrorId == "DecryptionFailed")
            {
                return Fail(result, ChecksumReason.DecryptionFailed, e.Message);
            }
            catch (Exception e) when (e is InvalidDataException || e is EndOfStreamException || e is ZstdSharp.ZstdException)
            {
                return Fail(result, ChecksumReason.CorruptCompression, "A part does not decompress: " + e.Message);
            }

            if (!ArchiveReader.EndsWithEndMarker(last))
            {
                return Fail(result, ChecksumReason.MissingEndMarker, "The script has no end-of-dump line. Do not restore it; use another backup.");
            }

            string? difference = CompareWithManifest(statements, manifest, size);
            if (difference != null)
            {
                return Fail(result, ChecksumReason.ManifestMismatch, difference + " The backup does not hold what its manifest records; do not rely on it.");
            }

            result.Message = $"The file matches its checksum; every encrypted part decrypts and decompresses, the script ends with its end marker and holds the {manifest.Tables.Count} tables and {manifest.Tables.Sum(t => t.Rows)} rows its manifest records.";
            return result;
        }

        private static IEnumerable<ScriptStatement> AllStatements(string path)
        {
            using var file = ArchiveReader.OpenFile(path);
            using var script = ArchiveReader.OpenContent(file, ArchiveReader.CompressionOf(path));
            foreach (var statement in new ScriptReader(script).ReadStatements())
            {
                yield return statement;
            }
        }

        private static string? CompareWithManifest(IEnumerable<ScriptStatement> statements, BackupManifest manifest, long uncompressedSize)
        {
            if (manifest.UncompressedSize > 0 && manifest.UncompressedSize != uncompressedSize)
            {
                return $"The script is {uncompressedSize} bytes, the manifest records {manifest.UncompressedSize}.";
            }

            var tables = new List<string>();
            var rows = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var statement in statements)
            {
                string head = StatementPolicy.Head(statement.Text);
                if (StatementPolicy.IsCreateTable(head))
                {
                    tables.Add(StatementPolicy.TableNameOf(head));
                    continue;
                }

                var insert = InsertInto.Match(head);
                if (insert.Success)
                {
                    string table = insert.Groups["q"].Success ? insert.Groups["q"].Value.Replace("``", "`") : insert.Groups["p"].Value;
                    rows[table] = (rows.TryGetValue(table, out long n) ? n : 0) + CountTuples(head, insert.Length);
                }
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

        /// <summary>Counts the (...) groups of a VALUES list: parentheses outside quotes at depth zero, after the column list.</summary>
        internal static long CountTuples(string statement, int start)
        {
            while (start < statement.Length && char.IsWhiteSpace(statement[start]))
            {
                start++;
            }

            bool hasColumnList = start < statement.Length && statement[start] == '(';
            long tuples = hasColumnList ? -1 : 0;
            int depth = 0;
            char quote = '\0';
            for (int i = start; i < statement.Length; i++)
            {
                char c = statement[i];
                if (quote != '\0')
                {
                    if (c == '\\' && quote != '`')
                    {
                        i++;
                    }
                    else if (c == quote)
                    {
                        quote = '\0';
                    }

                    continue;
                }

                switch (c)
                {
                    case '\'':
                    case '"':
                    case '`':
                        quote = c;
                        break;
                    case '(':
                        if (depth++ == 0)
                        {
                            tuples++;
                        }

                        break;
                    case ')':
                        depth--;
                        break;
                }
            }

            return tuples;
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
