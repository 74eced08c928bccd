using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using B1Backup.Core.Engine;
using MySqlConnector;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>
    /// Money moves between two tables in transactions that keep the total constant, while a backup
    /// runs. A backup that is one point in time restores exactly that total.
    /// </summary>
    public sealed class ConsistencyTests : IDisposable
    {
        private const long Accounts = 2000;
        private const long StartBalance = 500;
        private const long Total = 2 * Accounts * StartBalance;
        private readonly string root = TestScripts.NewBackupRoot();
        private readonly string source;
        private string? target;

        public ConsistencyTests()
        {
            source = TestServer.CreateDatabase("b1cons_src");
            // Tables are dumped in name order: the filler keeps the reader busy between the two account tables.
            TestScripts.RunStatements(source, new[]
            {
                "CREATE TABLE a_accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL) ENGINE=InnoDB",
                "CREATE TABLE m_filler (id INT PRIMARY KEY, pad CHAR(200) NOT NULL) ENGINE=InnoDB",
                "CREATE TABLE z_accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL) ENGINE=InnoDB",
                $"INSERT INTO a_accounts SELECT seq, {StartBalance} FROM seq_1_to_{Accounts}",
                $"INSERT INTO z_accounts SELECT seq, {StartBalance} FROM seq_1_to_{Accounts}",
                "INSERT INTO m_filler SELECT seq, REPEAT(MD5(seq), 6) FROM seq_1_to_150000",
            });
        }

        public void Dispose()
        {
            TestServer.DropDatabase(source);
            if (target != null)
            {
                TestServer.DropDatabase(target);
            }

            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }

        [Fact]
        public void BackupUnderConcurrentTransfersRestoresTheConstantTotal()
        {
            long commits;
            using (var writer = new TransferWriter(source))
            {
                writer.WaitUntilRunning();
                long before = writer.Commits;
                TestScripts.Backup(source, root);
                commits = writer.Commits - before;
            }

            Assert.True(commits > 10, $"only {commits} transfers committed during the backup: the test proved nothing");
            Assert.Equal(Total, Sum(source));
            target = "b1cons_dst_" + Guid.NewGuid().ToString("N").Substring(0, 8);
            var backupFile = Directory.GetFiles(Path.Combine(root, "test"), "*.sql.gz")[0];
            TestScripts.Restore(backupFile, target);
            Assert.Equal(Total, Sum(target));
        }

        [Fact]
        public void ParallelReadersShareOneSnapshotUnderBackupStage()
        {
            using var writer = new TransferWriter(source);
            writer.WaitUntilRunning();
            using var session = SnapshotSession.Open(TestServer.Settings.WithDatabase(source), 2, _ => { });
            Assert.Equal(SnapshotMethod.MariaDbBackupStage, session.Plan.Method);
            Assert.Equal(2, session.Readers.Count);
            long committedAfterSnapshot = writer.Commits;
            SpinWait.SpinUntil(() => writer.Commits > committedAfterSnapshot + 20, TimeSpan.FromSeconds(30));
            Assert.True(writer.Commits > committedAfterSnapshot + 20, "the writer made no progress while the snapshot was held");
            long a = Convert.ToInt64(new MySqlCommand("SELECT SUM(balance) FROM a_accounts", session.Readers[0]).ExecuteScalar(), CultureInfo.InvariantCulture);
            long z = Convert.ToInt64(new MySqlCommand("SELECT SUM(balance) FROM z_accounts", session.Readers[1]).ExecuteScalar(), CultureInfo.InvariantCulture);
            Assert.Equal(Total, a + z);
        }

        private static long Sum(string database) =>
            Convert.ToInt64(TestServer.Scalar("SELECT (SELECT SUM(balance) FROM a_accounts) + (SELECT SUM(balance) FROM z_accounts)", database), CultureInfo.InvariantCulture);

        /// <summary>Moves random amounts from a_accounts to z_accounts and back, one transaction each, until disposed.</summary>
        private sealed class TransferWriter : IDisposable
        {
            private readonly CancellationTokenSource stop = new CancellationTokenSource();
            private readonly Task task;
            private long commits;

            public TransferWriter(string database)
            {
                task = Task.Run(() =>
                {
                    var random = new Random(42);
                    using var connection = TestServer.Open(database);
                    while (!stop.IsCancellationRequested)
                    {
                        int amount = random.Next(1, 50) * (random.Next(2) == 0 ? 1 : -1);
                        using var transaction = connection.BeginTransaction();
                        using (var debit = new MySqlCommand($"UPDATE a_accounts SET balance = balance - {amount} WHERE id = {random.Next(1, (int)Accounts + 1)}", connection, transaction))
                        {
                            debit.ExecuteNonQuery();
                        }

                        using (var credit = new MySqlCommand($"UPDATE z_accounts SET balance = balance + {amount} WHERE id = {random.Next(1, (int)Accounts + 1)}", connection, transaction))
                        {
                            credit.ExecuteNonQuery();
                        }

                        transaction.Commit();
                        Interlocked.Increment(ref commits);
                    }
                });
            }

            public long Commits => Interlocked.Read(ref commits);

            public void WaitUntilRunning()
            {
                if (!SpinWait.SpinUntil(() => Commits > 5 || task.IsFaulted, TimeSpan.FromSeconds(30)) || task.IsFaulted)
                {
                    throw new InvalidOperationException("The transfer writer did not start.", task.Exception);
                }
            }

            public void Dispose()
            {
                stop.Cancel();
                task.Wait(TimeSpan.FromSeconds(30));
                if (task.IsFaulted)
                {
                    throw new InvalidOperationException("The transfer writer failed.", task.Exception);
                }
            }
        }
    }
}
