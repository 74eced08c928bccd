using System;
using System.Globalization;
using System.IO;
using System.Linq;
using B1Backup.Core.Restore;
using B1Backup.Core.Store;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>Backup then restore into another database gives back every docs/ROUNDTRIP.md case exactly.</summary>
    public sealed class RoundTripTests : IDisposable
    {
        private readonly string root = TestScripts.NewBackupRoot();
        private readonly System.Collections.Generic.List<string> databases = new System.Collections.Generic.List<string>();

        public void Dispose()
        {
            foreach (string db in databases)
            {
                TestServer.DropDatabase(db);
            }

            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }

        private string NewDatabase(string prefix)
        {
            string name = TestServer.CreateDatabase(prefix);
            databases.Add(name);
            return name;
        }

        private string NewName(string prefix)
        {
            string name = prefix + "_" + Guid.NewGuid().ToString("N").Substring(0, 8);
            databases.Add(name);
            return name;
        }

        [Theory]
        [InlineData(CompressionKind.Gzip)]
        [InlineData(CompressionKind.Zstd)]
        [InlineData(CompressionKind.None)]
        public void EveryRoundTripCaseComesBackExactly(CompressionKind compression)
        {
            string source = NewDatabase("b1rt_src");
            TestScripts.RunStatements(source, RoundTripSchema.Statements());
            // Small ranges, so that the many-rows table is read in pieces by several readers.
            var backup = Engine.BackupEngine.Run(
                new Engine.BackupRequest(TestServer.Settings.WithDatabase(source), root, "test") { Compression = compression, ChunkBytes = 256 * 1024 }, null, _ => { }, default);
            Assert.EndsWith(BackupName.Extension(compression), backup.FullName);
            Assert.True(DeepVerifier.Verify(backup.FullName).Passed);
            var manifest = BackupManifest.TryRead(backup.FullName)!;
            Assert.True(manifest.Members.Count(m => m.Kind == "Data" && m.Table == "many") > 1, "the many-rows table was not read in ranges");
            Assert.True(backup.Verified);
            Assert.True(File.Exists(backup.ChecksumPath));
            Assert.True(ChecksumVerifier.Verify(backup.FullName).Passed);

            string target = NewName("b1rt_dst");
            var restored = TestScripts.Restore(backup.FullName, target);
            Assert.True(restored.Verified, string.Join("\n", restored.Checks.Select(c => c.ToString())));
            DatabaseComparer.AssertSame(source, target);
            AssertSameByEitherRowPath(backup.FullName, source);

            // The restored default draws from the restored sequence: the source's does not move.
            object sourceNext = TestServer.Scalar($"SELECT next_not_cached_value FROM `{source}`.seq_orders")!;
            TestServer.Execute($"INSERT INTO `{target}`.seq_default (v) VALUES (3)");
            Assert.Equal(sourceNext, TestServer.Scalar($"SELECT next_not_cached_value FROM `{source}`.seq_orders"));
            Assert.DoesNotContain(source, Convert.ToString(TestServer.Scalar($"SELECT COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{target}' AND TABLE_NAME = 'seq_default' AND COLUMN_NAME = 'id'"), CultureInfo.InvariantCulture));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void LargeAndKeylessTablesAreCutIntoBoundedMembers(bool encrypted)
        {
            // A table without an integer key is one data part; it must still never be held whole in memory.
            // Cuts fall between INSERTs of about 1 MB, so a member holds at most the cap plus one statement.
            string source = NewDatabase("b1cut_src");
            TestScripts.RunStatements(source, RoundTripSchema.Statements());
            TestScripts.RunStatements(source, new[]
            {
                "CREATE TABLE heap (a INT, s VARCHAR(100))",
                "INSERT INTO heap SELECT seq, REPEAT(CHAR(65 + seq % 26), 1 + seq % 90) FROM seq_1_to_200000",
            });
            byte[]? key = encrypted ? System.Text.Encoding.UTF8.GetBytes("member order matters") : null;
            var backup = Engine.BackupEngine.Run(
                new Engine.BackupRequest(TestServer.Settings.WithDatabase(source), root, "test") { EncryptionKey = key, MemberBytes = 64 * 1024 }, null, _ => { }, default);
            var manifest = BackupManifest.TryRead(backup.FullName)!;
            var heapParts = manifest.Members.Where(m => m.Kind == "Data" && m.Table == "heap").ToList();
            Assert.True(heapParts.Count >= 8, $"the key-less table was written as {heapParts.Count} member(s)");
            Assert.All(heapParts, m => Assert.InRange(m.UncompressedLength, 1, 64 * 1024 + (1 << 20) + 4096));
            Assert.Equal(200000, heapParts.Sum(m => m.Rows));
            Assert.Equal(200000, manifest.Tables.Single(t => t.Name == "heap").Rows);
            // The 9 MB row is built in pieces through a variable: its member is cut after the row, never inside it.
            Assert.True(manifest.Members.Count(m => m.Kind == "Data" && m.Table == "big") >= 2);
            Assert.True(DeepVerifier.Verify(backup.FullName, null, null, key).Passed);

            string target = NewName("b1cut_dst");
            var plan = Restore.RestoreEngine.Prepare(backup.FullName, null, null, key);
            var restored = Restore.RestoreEngine.Execute(plan, TestServer.Settings, target, null, _ => { }, default, Restore.RestoreMode.Staged, new Restore.RestoreOptions { KeepDefiners = true });
            Assert.True(restored.Verified, string.Join("\n", restored.Checks.Select(c => c.ToString())));
            DatabaseComparer.AssertSame(source, target);
        }

        [Fact]
        public void DenseDataIsCompressedNearlyAsSmallAsGzipSix()
        {
            // Dates, small numbers, repeated words (an HR schema): here the fast default level is 30% larger than gzip -6.
            string source = NewDatabase("b1dense_src");
            TestScripts.RunStatements(source, new[]
            {
                "CREATE TABLE salaries (emp_no INT, salary INT, from_date DATE, to_date DATE, title VARCHAR(30), PRIMARY KEY (emp_no, from_date))",
                "INSERT INTO salaries SELECT 10000 + seq DIV 8, 40000 + (seq * 7919) % 80000, '1985-01-01' + INTERVAL seq % 6000 DAY, '1986-01-01' + INTERVAL seq % 6000 DAY, " +
                "ELT(1 + seq % 5, 'Engineer', 'Senior Engineer', 'Staff', 'Senior Staff', 'Technique Leader') FROM seq_1_to_300000",
            });
            var backup = TestScripts.Backup(source, root);
            string sql = Path.Combine(root, "dense.sql");
            using (var input = File.OpenRead(backup.FullName))
            using (var gzip = new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress))
            using (var output = File.Create(sql))
            {
                gzip.CopyTo(output);
            }

            TestScripts.RunWithClient("gzip -6 -c \"$5\" > \"$5.gz6\"", sql);
            long gzipSix = new FileInfo(sql + ".gz6").Length;
            Assert.True(backup.Size <= gzipSix * 1.1, $"{backup.Size:N0} bytes against gzip -6's {gzipSix:N0} ({(double)backup.Size / gzipSix:0.00}x)");

            string target = NewName("b1dense_dst");
            Assert.True(TestScripts.Restore(backup.FullName, target).Verified);
            DatabaseComparer.AssertSame(source, target);
        }

        [Fact]
        public void EncryptedBackupsComeBackExactly()
        {
            string source = NewDatabase("b1enc_src");
            TestScripts.RunStatements(source, RoundTripSchema.Statements());
            byte[] key = System.Text.Encoding.UTF8.GetBytes("correct horse battery staple");
            var backup = Engine.BackupEngine.Run(
                new Engine.BackupRequest(TestServer.Settings.WithDatabase(source), root, "test") { EncryptionKey = key, ChunkBytes = 256 * 1024 }, null, _ => { }, default);
            Assert.EndsWith(".sql.gz.enc", backup.FullName);
            Assert.Equal(ChecksumReason.EncryptionKeyRequired, DeepVerifier.Verify(backup.FullName).Reason);
            Assert.True(DeepVerifier.Verify(backup.FullName, null, null, key).Passed);
            string target = NewName("b1enc_dst");
            var plan = Restore.RestoreEngine.Prepare(backup.FullName, null, null, key);
            var restored = Restore.RestoreEngine.Execute(plan, TestServer.Settings, target, null, _ => { }, default, Restore.RestoreMode.Staged, new Restore.RestoreOptions { KeepDefiners = true });
            Assert.True(restored.Verified, string.Join("\n", restored.Checks.Select(c => c.ToString())));
            DatabaseComparer.AssertSame(source, target);
        }

        [Fact]
        public void TimestampsSurviveAChangeOfTheServerTimeZone()
        {
            string source = NewDatabase("b1tz_src");
            TestScripts.RunStatements(source, RoundTripSchema.Statements().Where(s => s.Contains("stamps") || s.StartsWith("SET", StringComparison.Ordinal)));
            string before = (string)TestServer.Scalar("SELECT @@GLOBAL.time_zone")!;
            TestServer.Execute("SET GLOBAL time_zone = 'Europe/Berlin'");
            try
            {
                var backup = TestScripts.Backup(source, root);
                TestServer.Execute("SET GLOBAL time_zone = 'America/New_York'");
                string target = NewName("b1tz_dst");
                TestScripts.Restore(backup.FullName, target);
                DatabaseComparer.AssertSame(source, target);
                Assert.Equal(
                    TestServer.Scalar($"SELECT GROUP_CONCAT(UNIX_TIMESTAMP(ts) ORDER BY id) FROM `{source}`.stamps"),
                    TestServer.Scalar($"SELECT GROUP_CONCAT(UNIX_TIMESTAMP(ts) ORDER BY id) FROM `{target}`.stamps"));
            }
            finally
            {
                TestServer.Execute($"SET GLOBAL time_zone = '{before}'");
            }
        }

        [Fact]
        public void SakilaDumpedByMariadbDumpWithRoutinesTriggersEventsAndViewsRestores()
        {
            const string source = "sakila";
            databases.Add(source);
            TestScripts.LoadSakila();
            TestServer.Execute("CREATE EVENT tidy_rentals ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM rental WHERE 1 = 0", source);
            Directory.CreateDirectory(Path.Combine(root, "legacy"));
            string dump = Path.Combine(root, "legacy", "backup_legacy_20261201_000000.sql.gz");
            TestScripts.RunWithClient("mariadb-dump --no-defaults --host=\"$1\" --port=\"$2\" --user=\"$3\" --ssl-ca=\"$4\" --routines --events --triggers --databases sakila | gzip > \"$5\" && cd \"$(dirname \"$5\")\" && sha256sum \"$(basename \"$5\")\" > \"$(basename \"$5\").sha256\"", dump);

            string target = NewName("b1sakila_md");
            var plan = Restore.RestoreEngine.Prepare(dump);
            var restored = Restore.RestoreEngine.Execute(plan, TestServer.Settings, target, null, _ => { }, default);
            Assert.True(restored.Verified, string.Join("\n", restored.Checks.Select(c => c.ToString())));
            DatabaseComparer.AssertSame(source, target);
            Assert.Equal(1L, Convert.ToInt64(TestServer.Scalar($"SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '{target}'"), CultureInfo.InvariantCulture));
            Assert.True(Convert.ToInt64(TestServer.Scalar($"SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '{target}'"), CultureInfo.InvariantCulture) >= 6);
        }

        [Fact]
        public void SakilaComesBackExactly()
        {
            // Sakila's views name their own database (sakila.actor), so the source must be called sakila.
            const string source = "sakila";
            databases.Add(source);
            TestScripts.LoadSakila();
            var backup = TestScripts.Backup(source, root);
            Assert.Equal(16044, TestServer.Scalar($"SELECT COUNT(*) FROM `{source}`.rental") is long n ? n : -1);
            var manifest = BackupManifest.TryRead(backup.FullName);
            Assert.NotNull(manifest);
            Assert.Equal(16044, manifest!.Tables.Single(t => t.Name == "rental").Rows);
            Assert.Contains(manifest.Objects, o => o.Kind == "TRIGGER");
            Assert.Contains(manifest.Objects, o => o.Kind == "VIEW");
            Assert.Contains(manifest.Objects, o => o.Kind == "PROCEDURE");

            string target = NewName("b1sakila_dst");
            var restored = TestScripts.Restore(backup.FullName, target);
            Assert.True(restored.Verified, string.Join("\n", restored.Checks.Select(c => c.ToString())));
            Assert.Equal(backup.Rows, restored.Rows);
            DatabaseComparer.AssertSame(source, target);
            AssertSameByEitherRowPath(backup.FullName, source);
        }

        [Fact]
        public void PreparedRowsKeepEveryColumnsCharacterSetAndEveryNumberExact()
        {
            // Each value in the form a text INSERT would give it: text converted from the connection's character set
            // into the column's (latin1 here), bytes kept as bytes, numbers beyond long and past a double's digits exact.
            string source = NewDatabase("b1prep_src");
            TestScripts.RunStatements(source, new[]
            {
                "CREATE TABLE t (id INT PRIMARY KEY, l VARCHAR(20) CHARACTER SET latin1, g VARCHAR(20) CHARACTER SET greek, b VARBINARY(8), bits BIT(64), u BIGINT UNSIGNED, d DECIMAL(40,20), f DOUBLE, dt DATETIME, nope VARCHAR(5))",
                "INSERT INTO t VALUES (1, 'café ÿ £', 'αβγ', 0x00FF27, b'1111111111111111111111111111111111111111111111111111111111111111', 18446744073709551615, 12345678901234567890.12345678901234567890, -0E0, '2024-02-29 13:05:00', NULL)," +
                "(2, 'naïve', 'Ω', 0x5C27, 9223372036854775809, 9223372036854775808, -0.00000000000000000001, 1.7976931348623157E308, '1000-01-01 00:00:00', 'NULL')," +
                "(3, 'x''y\\z', '', '', 0, 0, 0, 2.2250738585072014E-308, NULL, '')," +
                "(4, '', NULL, NULL, NULL, NULL, NULL, 0.1, '9999-12-31 23:59:59', 'a\nb')," +
                "(5, 'ÀÉÎÕÜ', 'ψ', 0x00, 9223372036854775807, 1, 1.5, -1E-300, '2023-02-28 00:00:01', '\\%')",
            });
            var backup = TestScripts.Backup(source, root);
            var log = new System.Collections.Generic.List<string>();
            string target = NewName("b1prep_dst");
            var restored = TestScripts.Restore(backup.FullName, target, 2, log);
            Assert.True(restored.Verified);
            Assert.Contains("4 rows went by prepared INSERTs, the rest as text.", log);
            DatabaseComparer.AssertSame(source, target);
            Assert.Equal("636166E920FF20A3", TestServer.Scalar($"SELECT HEX(l) FROM `{target}`.t WHERE id = 1"));
            Assert.Equal("18446744073709551615", Convert.ToString(TestServer.Scalar($"SELECT CAST(bits AS UNSIGNED) FROM `{target}`.t WHERE id = 1"), CultureInfo.InvariantCulture));
        }

        [Fact]
        public void AServerThatAllowsNoMorePreparedStatementsGetsTextAndTheSameRows()
        {
            // Other sessions may hold max_prepared_stmt_count statements: the restore loads as text, not fails.
            string source = NewDatabase("b1prep_full");
            TestScripts.RunStatements(source, new[]
            {
                "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
                "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, NULL), (5, 'e')",
            });
            var backup = TestScripts.Backup(source, root);
            object before = TestServer.Scalar("SELECT @@GLOBAL.max_prepared_stmt_count")!;
            TestServer.Execute("SET GLOBAL max_prepared_stmt_count = 0");
            var log = new System.Collections.Generic.List<string>();
            string target = NewName("b1prep_text");
            try
            {
                var restored = TestScripts.Restore(backup.FullName, target, 2, log);
                Assert.True(restored.Verified);
            }
            finally
            {
                TestServer.Execute($"SET GLOBAL max_prepared_stmt_count = {Convert.ToString(before, CultureInfo.InvariantCulture)}");
            }

            Assert.DoesNotContain(log, line => line.Contains("prepared INSERTs", StringComparison.Ordinal));
            DatabaseComparer.AssertSame(source, target);
        }

        [Fact]
        public void ALoadingConnectionHoldsOnePreparedStatementAtATimeHoweverManyTablesItLoads()
        {
            // The server keeps memory for every placeholder of a prepared statement until its session ends: a connection
            // that kept one per table grew with the schema. Here the server allows 2 statements per loading connection
            // and the loader may hold 1 placeholder: had a connection kept its old statements, it would have hit the
            // server's limit after 2 tables and sent the rest as text.
            string source = NewDatabase("b1prep_many");
            var statements = new System.Collections.Generic.List<string>();
            for (int table = 0; table < 12; table++)
            {
                statements.Add($"CREATE TABLE t{table} (id INT PRIMARY KEY, v VARCHAR(10))");
                statements.Add($"INSERT INTO t{table} VALUES (1, 'a'), (2, 'b'), (3, NULL), (4, 'd'), (5, 'e')");
            }

            TestScripts.RunStatements(source, statements);
            var backup = TestScripts.Backup(source, root);
            var plan = RestoreEngine.Prepare(backup.FullName);
            plan.Connections = 2;
            var options = new RestoreOptions { KeepDefiners = true, PreparedInserts = true, PreparedRowsPerExecute = 2, PreparedPlaceholdersHeld = 1 };
            var log = new System.Collections.Generic.List<string>();
            string target = NewName("b1prep_many_dst");
            object before = TestServer.Scalar("SELECT @@GLOBAL.max_prepared_stmt_count")!;
            long heldElsewhere = Convert.ToInt64(TestServer.Scalar("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'PREPARED_STMT_COUNT'"), CultureInfo.InvariantCulture);
            TestServer.Execute($"SET GLOBAL max_prepared_stmt_count = {heldElsewhere + (2 * plan.Connections)}");
            try
            {
                var restored = RestoreEngine.Execute(plan, TestServer.Settings, target, null, line => { lock (log) { log.Add(line); } }, default, RestoreMode.Staged, options);
                Assert.True(restored.Verified);
            }
            finally
            {
                TestServer.Execute($"SET GLOBAL max_prepared_stmt_count = {Convert.ToString(before, CultureInfo.InvariantCulture)}");
            }

            // 2 executions of 2 rows per table; the fifth row is each table's text tail.
            Assert.Contains("48 rows went by prepared INSERTs, the rest as text.", log);
            Assert.Contains(log, line => line.StartsWith("Loading connections were renewed ", StringComparison.Ordinal));
            DatabaseComparer.AssertSame(source, target);
        }

        [Fact]
        public void AWideTableGetsFewerRowsPerPreparedExecutionNotTextOnly()
        {
            // A statement's placeholders are bounded (server memory per placeholder): 1,000 columns give 8 rows per
            // execution, so 20 rows go as 2 executions and a text tail of 4.
            string source = NewDatabase("b1prep_wide");
            string columns = string.Join(", ", Enumerable.Range(1, 1000).Select(c => $"c{c} TINYINT"));
            string row = string.Join(", ", Enumerable.Range(1, 1000).Select(c => (c % 100).ToString(CultureInfo.InvariantCulture)));
            TestScripts.RunStatements(source, new[]
            {
                $"CREATE TABLE t (id INT PRIMARY KEY, {columns})",
                "INSERT INTO t VALUES " + string.Join(", ", Enumerable.Range(1, 20).Select(id => $"({id}, {row})")),
            });
            var backup = TestScripts.Backup(source, root);
            var plan = RestoreEngine.Prepare(backup.FullName);
            var log = new System.Collections.Generic.List<string>();
            string target = NewName("b1prep_wide_dst");
            var restored = RestoreEngine.Execute(plan, TestServer.Settings, target, null, line => { lock (log) { log.Add(line); } }, default, RestoreMode.Staged,
                new RestoreOptions { PreparedInserts = true });
            Assert.True(restored.Verified);
            Assert.Contains("16 rows went by prepared INSERTs, the rest as text.", log);
            DatabaseComparer.AssertSame(source, target);
        }

        /// <summary>
        /// The same backup restored with every data row sent by prepared INSERTs (3 rows per execution, so that
        /// small tables take that path and leave text tails) and with text INSERTs only: both exactly the source.
        /// </summary>
        private void AssertSameByEitherRowPath(string backup, string source)
        {
            var preparedLog = new System.Collections.Generic.List<string>();
            string prepared = NewName("b1rt_prep");
            var byPrepared = TestScripts.Restore(backup, prepared, 3, preparedLog);
            Assert.True(byPrepared.Verified, string.Join("\n", byPrepared.Checks.Select(c => c.ToString())));
            Assert.Contains(preparedLog, line => line.Contains("rows went by prepared INSERTs", StringComparison.Ordinal));
            DatabaseComparer.AssertSame(source, prepared);

            var textLog = new System.Collections.Generic.List<string>();
            string text = NewName("b1rt_text");
            var byText = TestScripts.Restore(backup, text, null, textLog);
            Assert.True(byText.Verified, string.Join("\n", byText.Checks.Select(c => c.ToString())));
            Assert.DoesNotContain(textLog, line => line.Contains("prepared INSERTs", StringComparison.Ordinal));
            DatabaseComparer.AssertSame(source, text);
        }

        [Fact]
        public void RestoreOverwritesTheTargetCompletely()
        {
            string source = NewDatabase("b1ow_src");
            TestScripts.RunStatements(source, new[] { "CREATE TABLE keep (id INT PRIMARY KEY)", "INSERT INTO keep VALUES (1)" });
            var backup = TestScripts.Backup(source, root);
            string target = NewDatabase("b1ow_dst");
            TestScripts.RunStatements(target, new[] { "CREATE TABLE stale (id INT)", "CREATE TABLE keep (id INT PRIMARY KEY, extra INT)", "INSERT INTO keep VALUES (5, 5)" });
            TestScripts.Restore(backup.FullName, target);
            DatabaseComparer.AssertSame(source, target);
        }
    }
}
