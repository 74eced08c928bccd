using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using B1Backup.Core.Archive;
using B1Backup.Core.Engine;
using B1Backup.Core.Lexing;
using B1Backup.Core.Store;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// Everything checked before a restore writes: every statement judged as the target server reads it, and
    /// what the server itself lacks (collations, the binary log's rule on stored code).
    /// </summary>
    internal static class RestoreScreening
    {
        /// <summary>
        /// Judges every statement that will run, before anything is written, as the server that will
        /// run it reads them: the whole script of a mysqldump file; the definitions of a B1Backup file
        /// (its data parts, INSERTs only, are judged strictly as they load into the staging copy).
        /// </summary>
        internal static StatementGuard Screen(RestorePlan plan, string target, MySqlConnection admin, RestoreOptions options, Action<string> log, bool judgeData)
        {
            var flavor = SnapshotSession.DetectFlavor(admin);
            var guard = new StatementGuard(plan.SourceDatabase, target, new SqlDialect(flavor), options);
            using (var packet = new MySqlCommand("SELECT @@max_allowed_packet", admin))
            {
                guard.LimitToPacket(Convert.ToInt64(packet.ExecuteScalar(), CultureInfo.InvariantCulture));
            }

            using (var command = new MySqlCommand("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA", admin))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    string name = reader.GetString(0);
                    if (name != target)
                    {
                        guard.OtherDatabases.Add(name);
                    }
                }
            }

            if (ParallelLoader.CanLoad(plan))
            {
                JudgeDefinitions(plan.Source!, plan.Manifest!, plan.Cipher, guard);
                if (judgeData)
                {
                    // In place there is no staging copy to absorb a refusal half-way: the data parts are read first too.
                    JudgeDataParts(plan.Source!, plan.Manifest!, plan.Cipher, guard);
                }

                RefuseStoredCodeTheBinlogBlocks(admin, guard);
                RefuseMissingCollations(admin, guard, flavor);
                return guard;
            }

            log("Checking every statement of the script as this server reads it.");
            using (var range = plan.Source!.OpenAll())
            using (var script = ArchiveReader.OpenContent(range, ArchiveReader.CompressionOf(plan.Path)))
            {
                var statements = guard.Reader(script).ReadStatements().GetEnumerator();
                while (ScriptLoader.NextStatement(statements, range, plan.Path))
                {
                    guard.Judge(statements.Current);
                }

                range.Finish();
            }

            RefuseStoredCodeTheBinlogBlocks(admin, guard);
            RefuseMissingCollations(admin, guard, flavor);
            return guard;
        }

        /// <summary>
        /// Judges every statement of a B1Backup file's header, table and object parts, in the sessions the
        /// loader runs them in. Data parts are judged by the data rule as they load.
        /// </summary>
        internal static void JudgeDefinitions(VerifiedFile source, BackupManifest manifest, MemberCipher? cipher, StatementGuard guard)
        {
            // Exactly as ParallelLoader runs them: every header and table part on one connection, in
            // order, then every object part and the footer on another.
            var members = manifest.Members;
            var head = members.Where(m => m.Kind == MemberKind.Header || m.Kind == MemberKind.Schema).ToList();
            var tail = members.Where(m => m.Kind == MemberKind.Objects || m.Kind == MemberKind.Footer).ToList();
            foreach (var group in new[] { head, tail })
            {
                guard.BeginSession();
                foreach (var member in group)
                {
                    using var content = ArchiveReader.OpenMember(source, manifest, members.IndexOf(member), cipher, out var range);
                    var statements = guard.Reader(content).ReadStatements().GetEnumerator();
                    while (ScriptLoader.NextStatement(statements, range, source.Path))
                    {
                        guard.Judge(statements.Current);
                    }

                    range.Finish();
                }
            }
        }

        internal static void JudgeDataParts(VerifiedFile source, BackupManifest manifest, MemberCipher? cipher, StatementGuard guard)
        {
            for (int index = 0; index < manifest.Members.Count; index++)
            {
                if (manifest.Members[index].Kind != MemberKind.Data)
                {
                    continue;
                }

                using var content = ArchiveReader.OpenMember(source, manifest, index, cipher, out var range);
                using var statements = guard.Reader(content, dataPart: true).ReadStatements().GetEnumerator();
                while (ScriptLoader.NextStatement(statements, range, source.Path))
                {
                    StatementGuard.JudgeData(statements.Current);
                }

                range.Finish();
            }
        }

        /// <summary>
        /// A collation the target lacks (MySQL 8's utf8mb4_0900_ai_ci on TiDB before 7.4 or older MariaDB,
        /// MariaDB's uca1400 ones on MySQL) fails CREATE TABLE half-way: it is found before anything is loaded.
        /// Mapping it to another collation would change how rows compare and which are duplicates, so it is not done silently.
        /// </summary>
        private static void RefuseMissingCollations(MySqlConnection admin, StatementGuard guard, ServerFlavor flavor)
        {
            if (guard.CollationsUsed.Count == 0)
            {
                return;
            }

            string? missing = MissingCollations(guard.CollationsUsed, name => ServerKnowsCollation(admin, name));
            if (missing != null)
            {
                throw new B1BackupException("CollationNotSupported", FailureKind.InvalidData,
                    $"The backup uses collations this server ({flavor.Kind} {flavor.Version}) does not have: {missing}. Nothing was changed. " +
                    "Restore into a server that has them (utf8mb4_0900_* collations: MySQL 8, TiDB 7.4+; uca1400 ones: MariaDB 10.10+), " +
                    "or change the source's collation before the backup; B1Backup does not map collations, because that changes how rows compare and which count as duplicates.");
            }
        }

        /// <summary>
        /// Asks the server itself, so its aliases count (utf8_general_ci for utf8mb3_general_ci, MariaDB's
        /// utf8mb4_uca1400_ai_ci, which information_schema.COLLATIONS lists only as uca1400_ai_ci).
        /// </summary>
        private static bool ServerKnowsCollation(MySqlConnection admin, string collation)
        {
            try
            {
                SnapshotSession.Execute(admin, "DO _utf8mb4'' COLLATE " + Sql.Identifier(collation));
                return true;
            }
            catch (MySqlException e) when (e.Number == 1253)
            {
                // "COLLATION x is not valid for CHARACTER SET utf8mb4": it exists, for another character set.
                return true;
            }
            catch (MySqlException e) when (e.Number == 1273)
            {
                return false;
            }
        }

        /// <summary>The collations the server lacks, each with the line of the backup that first names it; null when none is missing.</summary>
        internal static string? MissingCollations(IDictionary<string, long> used, Func<string, bool> exists)
        {
            var missing = used.Where(u => !exists(u.Key)).OrderBy(u => u.Value).Select(u => $"{u.Key} (line {u.Value})").ToList();
            return missing.Count == 0 ? null : string.Join(", ", missing);
        }

        private static void RefuseStoredCodeTheBinlogBlocks(MySqlConnection admin, StatementGuard guard)
        {
            if (!guard.CreatesFunctionsOrTriggers)
            {
                return;
            }

            bool logBin, trust, super;
            using (var command = new MySqlCommand("SELECT @@log_bin, @@log_bin_trust_function_creators, (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE PRIVILEGE_TYPE = 'SUPER' AND GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), ''''))", admin))
            using (var reader = command.ExecuteReader())
            {
                reader.Read();
                logBin = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture) != 0;
                trust = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture) != 0;
                super = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture) != 0;
            }

            string? problem = ServerFlavor.StoredCodeBlockedByBinlog(logBin, trust, super, true);
            if (problem != null)
            {
                throw new B1BackupException("BinlogBlocksStoredCode", FailureKind.PermissionDenied, problem);
            }
        }
    }
}
