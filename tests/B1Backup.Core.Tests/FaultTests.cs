using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using B1Backup.Core.Engine;
using B1Backup.Core.Restore;
using B1Backup.Core.Store;
using MySqlConnector;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>Backups that are complete or absent; restores that finish or leave the target as it was.</summary>
    public sealed class FaultTests : IDisposable
    {
        private readonly string root = TestScripts.NewBackupRoot();
        private readonly string source;
        private readonly string target;

        public FaultTests()
        {
            source = TestServer.CreateDatabase("b1fault_src");
            TestScripts.RunStatements(source, new[]
            {
                "CREATE TABLE big (id INT PRIMARY KEY, pad VARCHAR(600))",
                "INSERT INTO big SELECT seq, REPEAT(MD5(seq), 18) FROM seq_1_to_60000",
                "ANALYZE TABLE big", // fresh statistics: the backup sizes its ranges by them
                "CREATE TABLE small (id INT PRIMARY KEY, v INT)",
                "INSERT INTO small VALUES (1, 1), (2, 2)",
                "CREATE VIEW v_small AS SELECT id FROM small",
                "CREATE TRIGGER small_ins BEFORE INSERT ON small FOR EACH ROW SET NEW.v = NEW.v + 1",
            });

            // The target already holds a database the restores must never half-destroy.
            target = TestServer.CreateDatabase("b1fault_dst");
            TestScripts.RunStatements(target, new[]
            {
                "CREATE TABLE marker (v VARCHAR(10))",
                "INSERT INTO marker VALUES ('old')",
                "CREATE TABLE small (id INT PRIMARY KEY, old_column INT)",
                "INSERT INTO small VALUES (7, 7)",
                "CREATE VIEW v_old AS SELECT v FROM marker",
                "CREATE TRIGGER marker_ins BEFORE INSERT ON marker FOR EACH ROW SET NEW.v = UPPER(NEW.v)",
                "CREATE PROCEDURE old_proc() SELECT 1",
            });
        }

        public void Dispose()
        {
            TestServer.DropDatabase(source);
            TestServer.DropDatabase(target);
            foreach (string leftover in StagingDatabases())
            {
                TestServer.DropDatabase(leftover);
            }

            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }

        [Fact]
        public void KilledConnectionMidBackupLeavesNoFileAndOlderBackupsAlone()
        {
            var older = TestScripts.Backup(source, root);
            Thread.Sleep(1100);
            bool killed = false;
            var progress = new Callback<BackupProgress>(p =>
            {
                if (!killed && p.Table == "big" && p.Rows > 5000)
                {
                    killed = true;
                    KillConnectionsTo(source);
                }
            });
            var e = Assert.ThrowsAny<B1BackupException>(() =>
                BackupEngine.Run(SmallChunks(), progress, _ => { }, default));
            Assert.True(killed);
            Assert.Equal("BackupReadFailed", e.ErrorId);
            Assert.Contains("partial file was removed", e.Message);
            Assert.DoesNotContain(TestServer.Password, e.ToString());
            var files = Directory.GetFiles(Path.Combine(root, "test")).Select(Path.GetFileName).OrderBy(f => f).ToArray();
            Assert.Equal(new[] { older.Name, older.Name + ".manifest.json", older.Name + ".sha256" }, files);
            Assert.True(ChecksumVerifier.Verify(older.FullName).Passed);
        }

        [Fact]
        public void CancelledBackupLeavesNoFile()
        {
            using var cancel = new CancellationTokenSource();
            var progress = new Callback<BackupProgress>(p =>
            {
                if (p.Rows > 2000)
                {
                    cancel.Cancel();
                }
            });
            Assert.Throws<OperationCanceledException>(() =>
                BackupEngine.Run(SmallChunks(), progress, _ => { }, cancel.Token));
            Assert.Empty(Directory.GetFiles(Path.Combine(root, "test")));
        }

        [Fact]
        public void AnExistingFinalNameIsNeverOverwritten()
        {
            Directory.CreateDirectory(root);
            string path = Path.Combine(root, "backup_test_20250101_000000.sql.gz");
            File.WriteAllText(path, "precious");
            var e = Assert.ThrowsAny<B1BackupException>(() => Archive.ArchiveWriter.Create(path));
            Assert.Equal("BackupExists", e.ErrorId);
            Assert.Equal("precious", File.ReadAllText(path));
        }

        [Fact]
        public void FailingStatementLeavesTheTargetAsItWas()
        {
            var backup = TestScripts.Backup(source, root);
            string broken = Rewrite(backup.FullName, sql => sql.Replace("--\n-- Table `small`\n--\n", "--\n-- Table `small`\n--\nINSERT INTO no_such_table VALUES (1);\n"));
            string before = Snapshot(target);
            var e = Assert.ThrowsAny<B1BackupException>(() => TestScripts.Restore(broken, target));
            Assert.Equal("RestoreStatementFailed", e.ErrorId);
            Assert.Contains("was not changed", e.Message);
            Assert.Equal(before, Snapshot(target));
            Assert.Empty(StagingDatabases());
        }

        [Fact]
        public void KilledConnectionMidRestoreLeavesTheTargetAsItWas()
        {
            var backup = BackupEngine.Run(SmallChunks(), null, _ => { }, default);
            string before = Snapshot(target);
            bool killed = false;
            var plan = RestoreEngine.Prepare(backup.FullName);
            var progress = new Callback<RestoreProgress>(p =>
            {
                if (!killed && p.Statements >= 8)
                {
                    killed = true;
                    foreach (string staging in StagingDatabases())
                    {
                        KillConnectionsTo(staging);
                    }
                }
            });
            var e = Assert.ThrowsAny<B1BackupException>(() => RestoreEngine.Execute(plan, TestServer.Settings, target, progress, _ => { }, default));
            Assert.True(killed);
            Assert.Contains("was not changed", e.Message);
            Assert.Equal(before, Snapshot(target));
            Assert.Empty(StagingDatabases());
        }

        [Fact]
        public void StoppedRestoreLeavesTheTargetAsItWas()
        {
            var backup = BackupEngine.Run(SmallChunks(), null, _ => { }, default);
            string before = Snapshot(target);
            using var cancel = new CancellationTokenSource();
            var plan = RestoreEngine.Prepare(backup.FullName);
            var progress = new Callback<RestoreProgress>(p =>
            {
                if (p.Statements >= 8)
                {
                    cancel.Cancel();
                }
            });
            var e = Assert.ThrowsAny<B1BackupException>(() => RestoreEngine.Execute(plan, TestServer.Settings, target, progress, _ => { }, cancel.Token));
            Assert.Equal("RestoreStopped", e.ErrorId);
            Assert.Equal(before, Snapshot(target));
            Assert.Empty(StagingDatabases());
        }

        [Fact]
        public void FailureDuringTheSwapPutsTheTargetBack()
        {
            var backup = TestScripts.Backup(source, root);
            string before = Snapshot(target);
            var options = new RestoreOptions
            {
                KeepDefiners = true,
                BeforeSwapCreates = item =>
                {
                    if (item.Kind == "TRIGGER")
                    {
                        throw new B1BackupException("InjectedFault", FailureKind.InvalidData, "injected failure while creating " + item.Name);
                    }
                },
            };
            var e = Assert.Throws<SwapFailedException>(() => RestoreEngine.Execute(RestoreEngine.Prepare(backup.FullName), TestServer.Settings, target, null, _ => { }, default, RestoreMode.Staged, options));
            Assert.True(e.RolledBack);
            Assert.Equal("RestoreSwapFailed", e.ErrorId);
            Assert.Contains("put back as it was", e.Message);
            Assert.Equal(before, Snapshot(target));
            Assert.Empty(StagingDatabases());
        }

        [Fact]
        public void SuccessfulRestoreReplacesEverythingAndLeavesNoStaging()
        {
            var backup = TestScripts.Backup(source, root);
            var result = TestScripts.Restore(backup.FullName, target);
            Assert.True(result.Verified);
            Assert.Equal(RestoreMode.Staged, result.Mode);
            DatabaseComparer.AssertSame(source, target);
            Assert.Empty(StagingDatabases());
        }

        [Fact]
        public void InPlaceRestoreSaysTheTargetIsPartlyRestored()
        {
            var backup = TestScripts.Backup(source, root);
            string broken = Rewrite(backup.FullName, sql => sql.Replace("--\n-- Table `small`\n--\n", "--\n-- Table `small`\n--\nINSERT INTO no_such_table VALUES (1);\n"));
            var plan = RestoreEngine.Prepare(broken);
            var e = Assert.ThrowsAny<B1BackupException>(() => RestoreEngine.Execute(plan, TestServer.Settings, target, null, _ => { }, default, RestoreMode.InPlace));
            Assert.Contains("only partly restored", e.Message);
        }

        [Fact]
        public void DeepVerificationFindsAnInconsistentManifest()
        {
            var backup = TestScripts.Backup(source, root);
            var intact = DeepVerifier.Verify(backup.FullName);
            Assert.True(intact.Passed, intact.Reason + ": " + intact.Message);
            var manifest = BackupManifest.TryRead(backup.FullName)!;
            manifest.Tables.Single(t => t.Name == "big").Rows = 59999;
            File.WriteAllText(BackupManifest.PathFor(backup.FullName), manifest.ToJson());
            var result = DeepVerifier.Verify(backup.FullName);
            Assert.False(result.Passed);
            Assert.Equal(ChecksumReason.ManifestMismatch, result.Reason);
            Assert.Contains("big", result.Message);
        }

        /// <summary>A backup request whose big table is read in about 40 pieces, so a fault lands while reading.</summary>
        private BackupRequest SmallChunks() =>
            new BackupRequest(TestServer.Settings.WithDatabase(source), root, "test") { ChunkBytes = 1 << 20 };

        /// <summary>A copy of a backup with its script changed, its .sha256 made anew, and no manifest.</summary>
        private string Rewrite(string path, Func<string, string> change)
        {
            string sql;
            using (var input = new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
            using (var reader = new StreamReader(input, Encoding.UTF8))
            {
                sql = reader.ReadToEnd();
            }

            string changed = change(sql);
            Assert.NotEqual(sql, changed);
            string folder = Path.Combine(root, "rewritten");
            Directory.CreateDirectory(folder);
            string copy = Path.Combine(folder, "backup_rewritten_20250101_000000.sql.gz");
            using (var output = new GZipStream(File.Create(copy), CompressionLevel.Fastest))
            {
                byte[] bytes = new UTF8Encoding(false).GetBytes(changed);
                output.Write(bytes, 0, bytes.Length);
            }

            File.WriteAllText(copy + ".sha256", ChecksumFile.FormatLine(ChecksumFile.ComputeSha256(copy), Path.GetFileName(copy)));
            return copy;
        }

        /// <summary>Everything about a database a half-done restore could change.</summary>
        private static string Snapshot(string database)
        {
            using var connection = TestServer.Open();
            var objects = DatabaseComparer.Objects(connection, database);
            var builder = new StringBuilder();
            foreach (var (kind, name) in objects)
            {
                builder.AppendLine(DatabaseComparer.ShowCreate(connection, database, kind, name));
                if (kind == "TABLE")
                {
                    builder.AppendLine(DatabaseComparer.Checksum(connection, database, name));
                }
            }

            return builder.ToString();
        }

        private static string[] StagingDatabases() =>
            (TestServer.Scalar("SELECT GROUP_CONCAT(SCHEMA_NAME) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '%\\_\\_b1%'") as string ?? string.Empty)
                .Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries);

        private static void KillConnectionsTo(string database)
        {
            using var connection = TestServer.Open();
            var ids = new System.Collections.Generic.List<long>();
            using (var command = new MySqlCommand("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = @db AND ID <> CONNECTION_ID()", connection))
            {
                command.Parameters.AddWithValue("@db", database);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    ids.Add(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
                }
            }

            foreach (long id in ids)
            {
                using var kill = new MySqlCommand("KILL " + id, connection);
                kill.ExecuteNonQuery();
            }
        }

        private sealed class Callback<T> : IProgress<T>
        {
            private readonly Action<T> action;

            public Callback(Action<T> action) => this.action = action;

            public void Report(T value) => action(value);
        }
    }
}
