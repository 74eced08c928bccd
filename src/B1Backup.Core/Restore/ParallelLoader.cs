using System;
using System.Collections.Generic;
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
        private long preparedRows;
        private int renewedSessions;
        private Exception? failure;
        private readonly List<JudgedStatement> deferredIndexes = new List<JudgedStatement>();

        private readonly StatementGuard guard;

        private readonly List<DeferredStatement> events;

        public ParallelLoader(RestorePlan plan, StatementGuard guard, ConnectionSettings database, int connections, List<DeferredStatement> events, Action<string> log)
        {
            this.events = events;
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
            var head = members.Where(m => m.Kind == MemberKind.Header || m.Kind == MemberKind.Schema).ToList();
            var data = members.Where(m => m.Kind == MemberKind.Data).OrderByDescending(m => m.Length).ToList();
            var tail = members.Where(m => m.Kind == MemberKind.Objects || m.Kind == MemberKind.Footer).ToList();
            var status = new RestoreProgress { Activity = $"Restoring {database.Database}", BytesTotal = members.Sum(m => m.Length), StatementsTotal = members.Count };
            using (var first = OpenSession())
            {
                guard.BeginSession();
                foreach (var member in head)
                {
                    Load(first, member, transaction: false, cancel);
                    Done(member);
                }
            }

            RunInParallel(data.Count, (connection, prepared, index, token) =>
            {
                LoadRetryingDeadlocks(connection, data[index], prepared, token);
                Done(data[index]);
            }, $"Loading {data.Count} data parts", progress, status, cancel);
            if (preparedRows > 0)
            {
                log($"{preparedRows} rows went by prepared INSERTs, the rest as text.");
            }

            if (renewedSessions > 0)
            {
                log($"Loading connections were renewed {renewedSessions} time(s) to free the server memory their prepared INSERTs held.");
            }

            if (deferredIndexes.Count > 0)
            {
                RunInParallel(deferredIndexes.Count, (connection, prepared, index, token) =>
                    ScriptLoader.ExecuteStatement(connection, deferredIndexes[index], database, log, token), $"Adding the secondary indexes of {deferredIndexes.Count} tables", progress, status, cancel);
            }

            cancel.ThrowIfCancellationRequested();
            using (var last = OpenSession())
            {
                guard.BeginSession();
                foreach (var member in tail)
                {
                    Load(last, member, transaction: false, cancel);
                    Done(member);
                }
            }

            Report(progress, status);
        }

        /// <summary>Runs work items 0..count-1 on up to <see cref="connections"/> connections; the calling thread reports progress.</summary>
        private void RunInParallel(int count, Action<MySqlConnection, PreparedInserts?, int, CancellationToken> work, string what,
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
                    var connection = OpenSession();
                    var prepared = NewPreparedInserts(connection);
                    void Close()
                    {
                        Interlocked.Add(ref preparedRows, prepared?.PreparedRows ?? 0);
                        prepared?.Dispose();
                        prepared = null;
                        connection.Dispose();
                    }

                    int index;
                    try
                    {
                        while ((index = Interlocked.Increment(ref next)) < count)
                        {
                            stop.Token.ThrowIfCancellationRequested();
                            if (prepared != null && prepared.HeldPlaceholders >= PlaceholdersHeld)
                            {
                                // Only a closed session frees its prepared statements on the server: each holds memory
                                // for every placeholder, and a connection would otherwise keep one per table it loaded.
                                Close();
                                connection = OpenSession();
                                prepared = NewPreparedInserts(connection);
                                Interlocked.Increment(ref renewedSessions);
                            }

                            work(connection, prepared, index, stop.Token);
                        }
                    }
                    finally
                    {
                        Close();
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
            })
            { IsBackground = true, Name = "B1Backup loader" }).ToList();
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

        private bool PreparesInserts => guard.Options.PreparedInserts ?? guard.Dialect.Server.LoadsRowsByPreparedInserts;

        private int PlaceholdersHeld => guard.Options.PreparedPlaceholdersHeld ?? PreparedInserts.MaxPlaceholdersHeld;

        private PreparedInserts? NewPreparedInserts(MySqlConnection connection) =>
            PreparesInserts ? new PreparedInserts(connection, guard.Options.PreparedRowsPerExecute ?? PreparedInserts.MaxRowsPerExecute) : null;

        private MySqlConnection OpenSession()
        {
            var connection = ScriptLoader.OpenLoadSession(database, guard.Dialect.Server);

            // No gap locks between parts of one table loading side by side.
            SnapshotSession.Execute(connection, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
            return connection;
        }

        /// <summary>
        /// Parts of one table load side by side; InnoDB may pick one of them as a deadlock victim.
        /// Its transaction was rolled back whole, so loading the part again is exact.
        /// </summary>
        private void LoadRetryingDeadlocks(MySqlConnection connection, ManifestMember member, PreparedInserts? prepared, CancellationToken cancel)
        {
            var committed = new CommittedStatements();
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    Load(connection, member, transaction: true, cancel, committed, prepared);
                    return;
                }
                catch (B1BackupException e) when (attempt < 5 && e.InnerException is MySqlException m && (m.Number == 1213 || m.Number == 1205))
                {
                    // The rollback runs even when the restore is being cancelled: the connection goes back clean.
                    SnapshotSession.Execute(connection, "ROLLBACK", CancellationToken.None);
                    log($"A part of table {member.Table} met a lock conflict ({m.Message}); loading it again (attempt {attempt + 1}).");
                    Thread.Sleep(100 * attempt);
                }
            }
        }

        /// <summary>How many statements of a data part are committed already: a retry after a lock conflict starts after them.</summary>
        private sealed class CommittedStatements
        {
            public int Count { get; set; }
        }

        /// <summary>
        /// Runs one member's statements, in one transaction for data (in pieces where the server bounds
        /// transactions); its bytes are checked against the verified ones before the last commit.
        /// </summary>
        private void Load(MySqlConnection connection, ManifestMember member, bool transaction, CancellationToken cancel, CommittedStatements? committed = null, PreparedInserts? prepared = null)
        {
            long? pieceBytes = transaction ? guard.Options.TransactionBytes ?? guard.Dialect.Server.RestoreTransactionBytes : null;
            long sinceCommit = 0;
            int ordinal = -1;
            int index = plan.Manifest!.Members.IndexOf(member);
            using var content = ArchiveReader.OpenMember(plan.Source!, plan.Manifest!, index, plan.Cipher, out var range);
            if (transaction)
            {
                SnapshotSession.Execute(connection, "START TRANSACTION");
            }

            bool isData = member.Kind == MemberKind.Data;
            var largeValues = new LargeValueCheck();
            using var statements = guard.Reader(content, isData).ReadStatements().GetEnumerator();
            while (ScriptLoader.NextStatement(statements, range, plan.Path))
            {
                var statement = statements.Current;
                ordinal++;
                if (committed != null && ordinal < committed.Count)
                {
                    continue;
                }

                cancel.ThrowIfCancellationRequested();
                var judged = isData ? StatementGuard.JudgeData(statement) : guard.Judge(statement);
                if (judged.Action != StatementAction.Execute)
                {
                    continue;
                }

                if (isData)
                {
                    largeValues.Check(connection, judged, member.Table);
                }

                if (judged.RunsAfterSwap)
                {
                    lock (events)
                    {
                        events.Add(new DeferredStatement(judged, guard));
                    }

                    continue;
                }

                if (judged.EnablesTtlAfterSwap)
                {
                    lock (events)
                    {
                        events.Add(DeferredStatement.TtlFor(judged.Table!));
                    }
                }

                if (member.Kind == MemberKind.Schema && IndexDeferral.TrySplit(judged.Sql, guard.Dialect.Server.AddsSeveralKeysInOneAlter, out string withoutKeys, out var addKeys))
                {
                    // What deferral makes from a judged statement is judged again: only judged text runs.
                    ScriptLoader.ExecuteStatement(connection, guard.Judge(new ScriptStatement(withoutKeys, statement.Line)), database, log, cancel);
                    // The index build runs later on a loading connection, in the loader's own session: judged as that session reads it.
                    lock (deferredIndexes)
                    {
                        deferredIndexes.AddRange(addKeys.Select(add => guard.ForAnotherConnection().Judge(new ScriptStatement(add, statement.Line))));
                    }

                    continue;
                }

                ScriptLoader.ExecuteStatement(connection, judged, isData ? prepared : null, database, log, cancel);

                // Commit only after an INSERT: what follows it never continues a value being built in a
                // variable, so a retry can start right there.
                if (pieceBytes != null && judged.Kind == "INSERT" && (sinceCommit += judged.SqlChars.Length) >= pieceBytes)
                {
                    SnapshotSession.Execute(connection, "COMMIT");
                    SnapshotSession.Execute(connection, "START TRANSACTION");
                    committed!.Count = ordinal + 1;
                    sinceCommit = 0;
                }
            }

            range.Finish();
            if (transaction)
            {
                SnapshotSession.Execute(connection, "COMMIT");
            }
        }
    }
}
