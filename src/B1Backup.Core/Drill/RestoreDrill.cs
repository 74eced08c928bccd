using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using B1Backup.Core.Connection;
using B1Backup.Core.Engine;
using B1Backup.Core.Remote;
using B1Backup.Core.Restore;
using B1Backup.Core.Store;

namespace B1Backup.Core.Drill
{
    /// <summary>
    /// Restores a backup into a scratch database it creates itself (b1drill_&lt;db&gt;_&lt;timestamp&gt;), checks it
    /// against the backup's record, polls health endpoints, times each phase, and drops the scratch
    /// database. It never touches a database it did not create.
    /// </summary>
    public static class RestoreDrill
    {
        /// <summary>
        /// A drill of a backup in a store: it is copied (verified) to a private temporary folder first, and
        /// that copy's time is part of the RTO, as it would be in a real recovery from off-site.
        /// </summary>
        public static DrillResult RunFromStore(StoredBackups backups, string key, ConnectionSettings settings, DrillOptions options, Action<string> log, CancellationToken cancel)
        {
            var stored = backups.Describe(key, DateTime.Now, cancel);
            var watch = Stopwatch.StartNew();
            string local = BackupLocations.DownloadToScratch(backups, key, null, log, cancel);
            try
            {
                var result = Run(BackupStore.Describe(local, DateTime.Now), settings, options, log, watch.Elapsed, cancel);
                result.Backup = stored.FullName;
                return result;
            }
            finally
            {
                BackupLocations.DeleteScratch(local);
            }
        }

        public static DrillResult Run(BackupInfo backup, ConnectionSettings settings, DrillOptions options, Action<string> log, CancellationToken cancel) =>
            Run(backup, settings, options, log, TimeSpan.Zero, cancel);

        private static DrillResult Run(BackupInfo backup, ConnectionSettings settings, DrillOptions options, Action<string> log, TimeSpan download, CancellationToken cancel)
        {
            var started = DateTimeOffset.Now;
            var checks = new List<DrillCheck>();
            var result = new DrillResult
            {
                Backup = backup.FullName,
                BackupName = backup.Name,
                Environment = backup.Environment,
                Database = backup.Database,
                Server = settings.Server,
                StartedAt = started,
                BackupAge = DateTime.Now - backup.Timestamp,
                RtoTarget = options.RtoTarget,
                RpoTarget = options.RpoTarget,
                DownloadDuration = download,
            };
            // Named in the result only once it exists: a drill that fails before never names a database it did not make.
            string scratch = ScratchName(backup.Database ?? "db", started.LocalDateTime);

            var watch = Stopwatch.StartNew();
            RestorePlan? plan = null;
            try
            {
                plan = RestoreEngine.Prepare(backup.FullName, null, options.SigningKey, options.EncryptionKey);
                plan.Connections = options.Connections;
                Add(checks, "Checksum", "File", true, plan.Checksum.Message + (plan.Manifest != null ? " The manifest describes this file." : string.Empty));
            }
            catch (B1BackupException e)
            {
                Add(checks, "Checksum", "File", false, e.Message);
            }

            result.ChecksumDuration = watch.Elapsed;
            if (plan != null)
            {
                watch.Restart();
                bool created = false;
                try
                {
                    using (var admin = DatabaseConnector.Open(settings.WithDatabase(null), cancel))
                    {
                        if (DatabaseStatements.Exists(admin, scratch))
                        {
                            throw new B1BackupException("ScratchExists", FailureKind.InvalidArgument,
                                $"The scratch database {Sql.Identifier(scratch)} already exists; a drill only uses databases it creates. Run the drill again in a second.");
                        }
                    }

                    created = true;
                    result.ScratchDatabase = scratch;
                    var restored = RestoreEngine.Execute(plan, settings, scratch, null, log, cancel, RestoreMode.Staged, options.Restore);
                    result.RestoreDuration = watch.Elapsed;
                    Add(checks, "Restore", "Load", true, $"Restored into {scratch} in {restored.Duration.TotalSeconds:N1} s ({restored.Mode}).");

                    watch.Restart();
                    Verify(RestoredDatabase.Inspect(settings.WithDatabase(scratch), plan, countRows: true), plan, checks, result);
                    result.VerifyDuration = watch.Elapsed;

                    watch.Restart();
                    foreach (var uri in options.HealthUris)
                    {
                        PollHealth(uri, options.HealthTimeout, checks, cancel);
                    }

                    result.HealthChecked = options.HealthUris.Count > 0;
                    result.HealthDuration = result.HealthChecked ? watch.Elapsed : TimeSpan.Zero;
                }
                catch (B1BackupException e)
                {
                    result.RestoreDuration = result.RestoreDuration == TimeSpan.Zero ? watch.Elapsed : result.RestoreDuration;
                    Add(checks, "Restore", "Load", false, e.Message);
                }
                finally
                {
                    if (created)
                    {
                        if (options.Keep)
                        {
                            result.ScratchKept = true;
                            log($"Kept the scratch database {Sql.Identifier(scratch)} (-Keep).");
                        }
                        else
                        {
                            DatabaseStatements.DropQuietly(settings, scratch, "scratch", log);
                        }
                    }
                }
            }

            result.Rto = result.DownloadDuration + result.ChecksumDuration + result.RestoreDuration + result.VerifyDuration + result.HealthDuration;
            Add(checks, "Objectives", "RTO", result.RtoMet, $"Recovery took {Format(result.Rto)} against a target of {Format(result.RtoTarget)}.");
            Add(checks, "Objectives", "RPO", result.RpoMet, $"The backup is {Format(result.BackupAge)} old against a target of {Format(result.RpoTarget)}.");
            result.Checks = checks.ToArray();
            result.Passed = checks.All(c => c.Passed);
            return result;
        }

        /// <summary>b1drill_&lt;db&gt;_&lt;yyyyMMddHHmmss&gt;, within the 64-character limit.</summary>
        public static string ScratchName(string database, DateTime at)
        {
            string stamp = at.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
            string safe = Regex.Replace(database, "[^A-Za-z0-9_]", "_");
            int room = 64 - "b1drill_".Length - stamp.Length - 1;
            return "b1drill_" + (safe.Length > room ? safe.Substring(0, room) : safe) + "_" + stamp;
        }

        public static string Format(TimeSpan span) =>
            span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours}h"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes:00}m"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m {span.Seconds:00}s"
            : span.TotalSeconds >= 10 ? $"{span.TotalSeconds:N1}s"
            : $"{span.TotalSeconds:N2}s";

        /// <summary>The drill's own count of tables and rows in the scratch database, against the backup's record.</summary>
        private static void Verify(RestoredDatabase restored, RestorePlan plan, List<DrillCheck> checks, DrillResult result)
        {
            result.Tables = restored.Tables.Count;
            result.Rows = restored.TotalRows;
            var missing = restored.MissingTables;
            Add(checks, "Verify", "Tables", missing.Count == 0,
                missing.Count == 0 ? $"{restored.Tables.Count} tables, as the backup records." : "Missing: " + string.Join(", ", missing));
            var wrong = restored.Rows.Where(r => !r.Matches).Select(r => $"{r.Table}: {r.Actual} rows, recorded {r.Recorded}").ToList();
            Add(checks, "Verify", "Rows", wrong.Count == 0,
                wrong.Count == 0 ? $"{result.Rows:N0} rows" + (plan.Manifest != null ? ", every table as the backup records." : " (the backup has no row record to compare with).") : string.Join("; ", wrong));
        }

        /// <summary>GETs the endpoint until it answers 2xx with "ok": true (and "db": "up" where it reports db), or the time is up.</summary>
        private static void PollHealth(Uri uri, TimeSpan timeout, List<DrillCheck> checks, CancellationToken cancel)
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(Math.Min(10, Math.Max(1, timeout.TotalSeconds))) };
            var deadline = Stopwatch.StartNew();
            string last = "no answer";
            while (true)
            {
                cancel.ThrowIfCancellationRequested();
                try
                {
                    using var response = client.GetAsync(uri, cancel).GetAwaiter().GetResult();
#pragma warning disable CA2016 // netstandard2.0 has no overload that takes the token; the client's Timeout bounds this read
                    string body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
#pragma warning restore CA2016
                    last = $"HTTP {(int)response.StatusCode}: {(body.Length > 200 ? body.Substring(0, 200) : body)}";
                    if (response.IsSuccessStatusCode && IsHealthy(body))
                    {
                        Add(checks, "Health", uri.AbsolutePath, true, $"{Redacted(uri)} answered {last} after {Format(deadline.Elapsed)}.");
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException || (e is System.Threading.Tasks.TaskCanceledException && !cancel.IsCancellationRequested))
                {
                    last = e.Message;
                }

                if (deadline.Elapsed >= timeout)
                {
                    Add(checks, "Health", uri.AbsolutePath, false, $"{Redacted(uri)} was not healthy within {Format(timeout)}; last answer: {last}");
                    return;
                }

                Thread.Sleep(500);
            }
        }

        /// <summary>
        /// A health endpoint as checks and reports show it: user information and query values (tokens,
        /// keys) replaced by ***, since reports are kept and shared.
        /// </summary>
        internal static string Redacted(Uri uri)
        {
            var builder = new StringBuilder(uri.Scheme + "://");
            if (uri.UserInfo.Length > 0)
            {
                builder.Append("***@");
            }

            builder.Append(uri.IsDefaultPort ? uri.Host : uri.Host + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(uri.AbsolutePath);
            string query = uri.Query.TrimStart('?');
            if (query.Length > 0)
            {
                var pairs = query.Split('&').Select(pair => pair.IndexOf('=') >= 0 ? pair.Substring(0, pair.IndexOf('=')) + "=***" : pair);
                builder.Append('?').Append(string.Join("&", pairs));
            }

            return builder.ToString();
        }

        /// <summary>{"ok":true}, and where the body reports "db", "db":"up".</summary>
        internal static bool IsHealthy(string body)
        {
            try
            {
                using var json = System.Text.Json.JsonDocument.Parse(body);
                var root = json.RootElement;
                if (root.ValueKind != System.Text.Json.JsonValueKind.Object || !root.TryGetProperty("ok", out var ok) || ok.ValueKind != System.Text.Json.JsonValueKind.True)
                {
                    return false;
                }

                return !root.TryGetProperty("db", out var db) || (db.ValueKind == System.Text.Json.JsonValueKind.String && db.GetString() == "up");
            }
            catch (System.Text.Json.JsonException)
            {
                return false;
            }
        }

        private static void Add(List<DrillCheck> checks, string phase, string name, bool passed, string message) =>
            checks.Add(new DrillCheck { Phase = phase, Name = name, Passed = passed, Message = message });
    }
}
