using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using B1Backup.Core.Archive;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using B1Backup.Core.Store;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// Loads a B1Backup file by its members: header and table definitions first on one connection,
    /// then the data members on several connections at once (largest first, one transaction each),
    /// then views, routines, triggers and events. The calling thread only reports progress.
    /// </summary>
    internal sealed class ParallelLoader
    {
        private readonly RestorePlan plan;
        private readonly ConnectionSettings database;
        private readonly int connections;
        private readonly Action<string> log;
        private readonly object gate = new object();
        private long bytesDone;
        private int membersDone;
        private Exception? failure;
        private readonly List<string> deferredIndexes = new List<string>();

        private readonly StatementGuard guard;

        public ParallelLoader(RestorePlan plan, StatementGuard guard, ConnectionSettings database, int connections, Action<string> log)
        {
            this.plan = plan;
            this.guard = guard;
            this.database = database;
            this.connections = Math.Max(1, connections);
            this.log = log;
        }

        public static bool CanLoad(RestorePlan plan) => plan.Manifest != null && plan.Manifest.Members.Count > 0;

        public void Run(IProgress<RestoreProgress>? progress, CancellationToken cancel)
        {
            var members = plan.Manifest!.Members;
            var head = members.Where(m => m.Kind == "Header" || m.Kind == "Schema").ToList();
            var data = members.Where(m => m.Kind == "Data").OrderByDescending(m => m.Length).ToList();
            var tail = members.Where(m => m.Kind == "Objects" || m.Kind == "Footer").ToList();
            var status = new RestoreProgress { Activity = $"Restoring {database.Database}", BytesTotal = members.Sum(m => m.Length), StatementsTotal = members.Count };
            using (var first = OpenSession())
            using (var file = ArchiveReader.OpenFile(plan.Path))
            {
                foreach (var member in head)
                {
                    Load(first, file, member, transaction: false, cancel);
                    Done(member);
                }
            }

            RunInParallel(data.Count, (connection, file, index, token) =>
            {
                LoadRetryingDeadlocks(connection, file, data[index], token);
                Done(data[index]);
            }, $"Loading {data.Count} data parts", progress, status, cancel);
            if (deferredIndexes.Count > 0)
            {
                RunInParallel(deferredIndexes.Count, (connection, file, index, token) =>
                    SnapshotSession.Execute(connection, deferredIndexes[index]), $"Adding the secondary indexes of {deferredIndexes.Count} tables", progress, status, cancel);
            }

            cancel.ThrowIfCancellationRequested();
            using (var last = OpenSession())
            using (var file = ArchiveReader.OpenFile(plan.Path))
            {
                foreach (var member in tail)
                {
                    Load(last, file, member, transaction: false, cancel);
                    Done(member);
                }
            }

            Report(progress, status);
        }

        /// <summary>Runs work items 0..count-1 on up to <see cref="connections"/> connections; the calling thread reports progress.</summary>
        private void RunInParallel(int count, Action<MySqlConnection, FileStream, int, CancellationToken> work, string what,
            IProgress<RestoreProgress>? progress, RestoreProgress status, CancellationToken cancel)
        {
            int workers = Math.Min(connections, Math.Max(1, count));
            log($"{what} over {workers} connection(s).");
            int next = -1;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var threads = Enumerable.Range(0, workers).Select(_ => new Thread(() =>
            {
                try
                {
                    using var connection = OpenSession();
                    using var file = ArchiveReader.OpenFile(plan.Path);
                    int index;
                    while ((index = Interlocked.Increment(ref next)) < count)
                    {
                        stop.Token.ThrowIfCancellationRequested();
                        work(connection, file, index, stop.Token);
                    }
                }
                catch (Exception e)
                {
                    lock (gate)
                    {
                        failure ??= e;
                    }

                    stop.Cancel();
                }
            }) { IsBackground = true, Name = "B1Backup loader" }).ToList();
            threads.ForEach(t => t.Start());
            try
            {
                while (threads.Any(t => t.IsAlive))
                {
                    threads.First(t => t.IsAlive).Join(250);
                    Report(progress, status);
                }
            }
            finally
            {
                // Whatever stops the caller stops the loaders too, before anyone cleans up after them.
                stop.Cancel();
                threads.ForEach(t => t.Join(TimeSpan.FromSeconds(30)));
            }

            if (failure != null)
            {
                if (failure is OperationCanceledException && cancel.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancel);
                }

                ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }

        private void Done(ManifestMember member)
        {
            Interlocked.Add(ref bytesDone, member.Length);
            Interlocked.Increment(ref membersDone);
        }

        private void Report(IProgress<RestoreProgress>? progress, RestoreProgress status)
        {
            status.BytesRead = Interlocked.Read(ref bytesDone);
            status.Statements = membersDone;
            progress?.Report(status);
        }

        private MySqlConnection OpenSession()
        {
            var connection = DatabaseConnector.Open(database);
            SnapshotSession.Execute(connection, RestoreEngine.LoadSession);

            // No gap locks between parts of one table loading side by side.
            SnapshotSession.Execute(connection, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
            return connection;
        }

        /// <summary>
        /// Parts of one table load side by side; InnoDB may pick one of them as a deadlock victim.
        /// Its transaction was rolled back whole, so loading the part again is exact.
        /// </summary>
        private void LoadRetryingDeadlocks(MySqlConnection connection, FileStream file, ManifestMember member, CancellationToken cancel)
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    Load(connection, file, member, transaction: true, cancel);
                    return;
                }
                catch (B1BackupException e) when (attempt < 5 && e.InnerException is MySqlException m && (m.Number == 1213 || m.Number == 1205))
                {
                    SnapshotSession.Execute(connection, "ROLLBACK");
                    log($"A part of table {member.Table} met a lock conflict ({m.Message}); loading it again (attempt {attempt + 1}).");
                    Thread.Sleep(100 * attempt);
                }
            }
        }

        /// <summary>Runs one member's statements, in one transaction for data.</summary>
        private void Load(MySqlConnection connection, FileStream file, ManifestMember member, bool transaction, CancellationToken cancel)
        {
            using var content = ArchiveReader.OpenMember(file, plan.Path, plan.Manifest!, plan.Manifest!.Members.IndexOf(member), plan.Cipher);
            if (transaction)
            {
                SnapshotSession.Execute(connection, "START TRANSACTION");
            }

            foreach (var statement in new ScriptReader(content).ReadStatements())
            {
                cancel.ThrowIfCancellationRequested();
                var action = member.Kind == "Data" ? guard.JudgeData(statement) : guard.Judge(statement);
                if (action != StatementAction.Execute)
                {
                    continue;
                }

                if (member.Kind == "Schema" && IndexDeferral.TrySplit(statement.Text, out string withoutKeys, out string addKeys))
                {
                    RestoreEngine.ExecuteStatement(connection, new ScriptStatement(withoutKeys, statement.Line), database, log);
                    deferredIndexes.Add(addKeys);
                    continue;
                }

                RestoreEngine.ExecuteStatement(connection, statement, database, log);
            }

            if (transaction)
            {
                SnapshotSession.Execute(connection, "COMMIT");
            }
        }
    }
}
