using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using MySqlConnector;

namespace B1Backup.Core.Restore
{
    /// <summary>
    /// Restores B1Backup and mysqldump/mariadb-dump scripts into one target database. The steps, each in its
    /// own class: RestorePreparation (the file, before a server), RestoreScreening (every statement, as the
    /// target reads it), ScriptLoader/ParallelLoader (the load), RestoredDatabase (the checks), DatabaseSwap.
    /// </summary>
    public static class RestoreEngine
    {
        /// <summary>
        /// Reads the whole backup without a server: its checksum, its end marker and every statement.
        /// Any problem stops here, before a connection that writes is opened. The file is opened once:
        /// the checksum and signature are verified on that handle, and the restore reads through it.
        /// </summary>
        public static RestorePlan Prepare(string path, IProgress<RestoreProgress>? progress = null, byte[]? signingKey = null, byte[]? encryptionKey = null) =>
            RestorePreparation.Prepare(path, progress, signingKey, encryptionKey);

        public static RestoreResult Execute(RestorePlan plan, ConnectionSettings settings, string targetDatabase,
            IProgress<RestoreProgress>? progress, Action<string> log, CancellationToken cancel, RestoreMode mode = RestoreMode.Staged, RestoreOptions? options = null)
        {
            // The server's own databases (information_schema too: stored code may read it, a restore never writes it).
            if (StatementGuard.SystemDatabases.Contains(targetDatabase) || string.Equals(targetDatabase, "information_schema", StringComparison.OrdinalIgnoreCase)
                || targetDatabase.IndexOf(StagingNames.Marker, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                throw new B1BackupException("TargetNotAllowed", FailureKind.SecurityError,
                    $"A restore never writes into {Sql.Identifier(targetDatabase)}: it is one of the server's own databases or a working copy of another restore. Name another target with -TargetDatabase. Nothing was changed.")
                { Target = targetDatabase };
            }

            if (plan.Source == null)
            {
                throw new InvalidOperationException("The plan was prepared for another restore, or already used: prepare it again.");
            }

            try
            {
                using var admin = DatabaseConnector.Open(settings.WithDatabase(null), cancel);
                using var exclusive = RestoreLock.Take(admin, targetDatabase, settings, cancel);
                StatementGuard guard;
                try
                {
                    guard = RestoreScreening.Screen(plan, targetDatabase, admin, options ?? new RestoreOptions(), log, judgeData: mode == RestoreMode.InPlace);
                }
                catch (B1BackupException e) when (!(e is StatementRefusedException))
                {
                    throw new B1BackupException(e.ErrorId, e.Kind, e.Message + " Nothing was changed.", e) { Target = e.Target };
                }
                return ExecuteScreened(plan, guard, settings, targetDatabase, progress, log, mode, options ?? new RestoreOptions(), cancel);
            }
            finally
            {
                plan.Dispose();
            }
        }

        private static RestoreResult ExecuteScreened(RestorePlan plan, StatementGuard guard, ConnectionSettings settings, string targetDatabase,
            IProgress<RestoreProgress>? progress, Action<string> log, RestoreMode mode, RestoreOptions options, CancellationToken cancel)
        {
            var stopwatch = Stopwatch.StartNew();
            log($"Target: database {Sql.Identifier(targetDatabase)} on {settings.Server} ({mode})");
            var events = new List<DeferredStatement>();
            RestoredDatabase? staged = null;
            if (mode == RestoreMode.InPlace)
            {
                DatabaseStatements.Recreate(settings, targetDatabase, plan, log);
                try
                {
                    ScriptLoader.Load(plan, guard, settings.WithDatabase(targetDatabase), events, progress, log, cancel);
                    // The data is in: its events are created too, not left for a stop to cut off.
                    using var connection = DatabaseConnector.Open(settings.WithDatabase(targetDatabase), CancellationToken.None);
                    foreach (var item in events)
                    {
                        item.Create(connection);
                    }
                }
                catch (Exception e) when (e is MySqlException || e is B1BackupException || e is OperationCanceledException || e is IOException)
                {
                    throw Failed(e, settings, $"The database {Sql.Identifier(targetDatabase)} is now only partly restored (in-place restore): restore again, or restore another backup, before using it.");
                }
            }
            else
            {
                ForeignKeysFromOutside.Refuse(settings, targetDatabase);
                string staging = StagingNames.For(targetDatabase, "new");
                StagingNames.DropAbandoned(settings, targetDatabase, log);
                StagingNames.Create(settings, staging, plan);
                try
                {
                    log($"Loading into the staging database {Sql.Identifier(staging)}; {Sql.Identifier(targetDatabase)} stays as it is until the copy is complete and verified.");
                    ScriptLoader.Load(plan, guard, settings.WithDatabase(staging), events, progress, log, cancel);
                    StagingNames.RemoveMarker(settings, staging);
                    staged = RestoredDatabase.Inspect(settings.WithDatabase(staging), plan, countRows: true);
                    var failed = staged.Checks().Where(c => !c.Passed).ToList();
                    if (failed.Count > 0)
                    {
                        throw new B1BackupException("RestoreVerificationFailed", FailureKind.InvalidData,
                            "The restored copy failed its checks: " + string.Join("; ", failed.Select(c => c.Message)) + ".");
                    }

                    cancel.ThrowIfCancellationRequested();
                    new DatabaseSwap(settings, staging, targetDatabase, log) { DeferredStatements = events, LockWaitSeconds = options.SwapLockWaitSeconds, BeforeCreate = options.BeforeSwapCreates }.Run(plan.CharacterSet, plan.Collation);
                }
                catch (SwapFailedException e) when (e.RolledBack)
                {
                    // Rolled back: the restored tables went back to staging, which is no longer needed.
                    DatabaseStatements.DropQuietly(settings, staging, "staging", log);
                    throw;
                }
                catch (SwapFailedException)
                {
                    // The staging database may hold the only whole copy of the restored tables: keep it.
                    throw;
                }
                catch (Exception e)
                {
                    DatabaseStatements.DropQuietly(settings, staging, "staging", log);
                    if (e is MySqlException || e is OperationCanceledException || e is IOException || e is InvalidOperationException || e is B1BackupException)
                    {
                        throw Failed(e, settings, $"The database {Sql.Identifier(targetDatabase)} was not changed.");
                    }

                    throw;
                }

                DatabaseStatements.DropQuietly(settings, staging, "staging", log);
            }

            // After a swap the tables are the verified staging tables: counting their rows again would only cost time.
            var restored = RestoredDatabase.Inspect(settings.WithDatabase(targetDatabase), plan, countRows: staged == null);
            var checks = restored.Checks();
            if (staged != null)
            {
                checks.AddRange(staged.RowChecks());
            }

            stopwatch.Stop();
            return new RestoreResult
            {
                Path = plan.Path,
                Database = targetDatabase,
                Server = settings.Server,
                Tables = restored.Tables.Count,
                Rows = (staged ?? restored).TotalRows,
                Duration = stopwatch.Elapsed,
                ChecksumVerified = plan.Checksum.Passed,
                Verified = checks.All(c => c.Passed),
                Mode = mode,
                Checks = checks.ToArray(),
            };
        }

        /// <summary>The server went away (stopped, restarted, killed the session, or the network broke), as opposed to refusing a statement.</summary>
        private static bool ConnectionLost(Exception e) =>
            e is MySqlException m && (m.ErrorCode == MySqlErrorCode.UnableToConnectToHost || m.Number == 2006 || m.Number == 2013 || m.ErrorCode == MySqlErrorCode.QueryInterrupted || m.InnerException is IOException || m.InnerException is EndOfStreamException || m.InnerException is System.Net.Sockets.SocketException);

        private static B1BackupException Failed(Exception e, ConnectionSettings settings, string state)
        {
            string what = e switch
            {
                OperationCanceledException _ => "The restore was stopped.",
                B1BackupException b => b.Message,
                MySqlException _ when ConnectionLost(e) => "The server closed the connection during the restore (it stopped, restarted or ended the session): " + settings.Scrub(e.Message) + ".",
                _ => "The restore failed: " + settings.Scrub(e.Message),
            };
            string id = e switch
            {
                OperationCanceledException _ => "RestoreStopped",
                B1BackupException b => b.ErrorId,
                MySqlException _ => "RestoreConnectionFailed",
                _ => "RestoreFailed",
            };
            return new B1BackupException(id, e is OperationCanceledException ? FailureKind.OperationStopped : FailureKind.InvalidData, what + " " + state, e);
        }

    }
}
