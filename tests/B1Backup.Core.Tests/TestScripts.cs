using System;
using System.IO;
using System.Linq;
using B1Backup.Core.Engine;
using B1Backup.Core.Restore;
using MySqlConnector;

namespace B1Backup.Core.Tests
{
    /// <summary>Loads SQL into test databases and runs backups into a throw-away folder.</summary>
    internal static class TestScripts
    {
        public static void RunStatements(string database, System.Collections.Generic.IEnumerable<string> statements)
        {
            using var connection = TestServer.Open(database);
            foreach (string sql in statements)
            {
                using var command = new MySqlCommand(sql, connection);
                command.ExecuteNonQuery();
            }
        }

        /// <summary>Runs a mysql-client script (DELIMITER and all) into a database, ignoring its USE/CREATE DATABASE.</summary>
        public static void RunScript(string database, string path)
        {
            using var connection = TestServer.Open(database);
            using var file = File.OpenRead(path);
            var guard = new StatementGuard(null, null, null, new RestoreOptions { TrustStoredCode = true, KeepDefiners = true });
            foreach (var statement in new ScriptReader(file, guard.Dialect).ReadStatements())
            {
                var judged = guard.Judge(statement);
                if (judged.Action == StatementAction.Execute)
                {
                    using var command = new MySqlCommand(judged.Sql, connection);
                    command.ExecuteNonQuery();
                }
            }
        }

        /// <summary>
        /// Runs a bash command with the test server's connection as arguments: $1 host, $2 port, $3 user,
        /// $4 CA file, then <paramref name="more"/> from $5; the password is in MYSQL_PWD, never on a command line.
        /// </summary>
        public static void RunWithClient(string command, params string[] more)
        {
            var settings = TestServer.Settings;
            var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("set -o pipefail; " + command);
            start.ArgumentList.Add("b1test");
            foreach (string argument in new[] { settings.Host, settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), settings.User, settings.SslCaPath ?? string.Empty }.Concat(more))
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["MYSQL_PWD"] = settings.ToConnectionStringBuilder().Password;
            using var process = System.Diagnostics.Process.Start(start)!;
            process.StandardOutput.ReadToEndAsync();
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"'{command}' failed ({process.ExitCode}): {errors}");
            }
        }

        /// <summary>Loads the Sakila sample into a fresh database called sakila (its views name that database).</summary>
        public static void LoadSakila()
        {
            TestServer.DropDatabase("sakila");
            TestServer.Execute("CREATE DATABASE sakila");
            RunScript("sakila", RepositoryFile("tests/fixtures/sakila/sakila-schema.sql"));
            RunScript("sakila", RepositoryFile("tests/fixtures/sakila/sakila-data.sql"));
        }

        public static string RepositoryFile(string relative)
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory != null && !File.Exists(Path.Combine(directory.FullName, "B1Backup.sln")))
            {
                directory = directory.Parent;
            }

            return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("The repository root was not found."), relative);
        }

        public static string NewBackupRoot() => Path.Combine(Path.GetTempPath(), "b1backups-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public static BackupResult Backup(string database, string root, int readers = 1, string environment = "test") =>
            BackupEngine.Run(new BackupRequest(TestServer.Settings.WithDatabase(database), root, environment) { Readers = readers }, null, _ => { }, default);

        /// <summary>Restores exactly, definers included (a round trip compares SHOW CREATE); the default rewrite of definers has tests of its own.</summary>
        public static RestoreResult Restore(string path, string target)
        {
            var plan = RestoreEngine.Prepare(path);
            return RestoreEngine.Execute(plan, TestServer.Settings, target, null, _ => { }, default, RestoreMode.Staged, new RestoreOptions { KeepDefiners = true });
        }

        /// <summary>
        /// Restores with data rows sent by prepared INSERTs of <paramref name="rowsPerExecute"/> rows (so that
        /// small test tables take that path, with text tails), or as text only (null); returns what the restore logged.
        /// </summary>
        public static RestoreResult Restore(string path, string target, int? rowsPerExecute, System.Collections.Generic.List<string> log)
        {
            var plan = RestoreEngine.Prepare(path);
            var options = new RestoreOptions { KeepDefiners = true, PreparedInserts = rowsPerExecute != null, PreparedRowsPerExecute = rowsPerExecute };
            return RestoreEngine.Execute(plan, TestServer.Settings, target, null, line => { lock (log) { log.Add(line); } }, default, RestoreMode.Staged, options);
        }
    }
}
