using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace B1Backup.Core.Drill
{
    /// <summary>
    /// A drill as a fire-drill report: a timeline of the phases, the checks, RPO and RTO against their
    /// targets, and the history of earlier drills in the same folder (each HTML report carries its own
    /// figures as JSON, so the next one can draw them). Self-contained: no scripts, no external files.
    /// </summary>
    public static class DrillReport
    {
        private static readonly Regex Embedded = new Regex("<script type=\"application/json\" id=\"b1-drill\">(?<json>.*?)</script>", RegexOptions.Singleline);

        /// <summary>Writes the report; a folder gets drill_&lt;db&gt;_&lt;timestamp&gt;.html (or .md). Returns the file's path.</summary>
        /// <summary>Writes the report and records it in the result as the check Report/File, so the object says where its report is.</summary>
        public static string Attach(DrillResult result, string path, DrillReportFormat format)
        {
            string file = Write(result, path, format);
            result.Checks = result.Checks.Concat(new[] { new DrillCheck { Phase = "Report", Name = "File", Passed = true, Message = file } }).ToArray();
            return file;
        }

        public static string Write(DrillResult result, string path, DrillReportFormat format)
        {
            string extension = format == DrillReportFormat.Html ? ".html" : ".md";
            string file = Directory.Exists(path) || path.EndsWith("/", StringComparison.Ordinal) || path.EndsWith("\\", StringComparison.Ordinal)
                ? Path.Combine(path, $"drill_{Regex.Replace(result.Database ?? "db", "[^A-Za-z0-9_-]", "_")}_{result.StartedAt.LocalDateTime:yyyyMMdd_HHmmss}{extension}")
                : path;
            string folder = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
            if (!Directory.Exists(folder))
            {
                // Reports name servers, databases and backups: private to their owner, as the backups are.
                Directory.CreateDirectory(folder);
                Archive.FileProtection.RestrictDirectory(folder);
            }

            var history = ReadHistory(folder).Where(h => h.StartedAt != result.StartedAt).ToList();
            history.Add(PointOf(result));
            history = history.OrderBy(h => h.StartedAt).ToList();
            string content = format == DrillReportFormat.Html ? Html(result, history) : Markdown(result, history);
            bool isNew = !File.Exists(file);
            File.WriteAllText(file, content, new UTF8Encoding(false));
            if (isNew)
            {
                Archive.FileProtection.RestrictFile(file);
            }

            return file;
        }

        /// <summary>The drills recorded by the HTML reports in a folder, oldest first.</summary>
        public static List<DrillHistoryPoint> ReadHistory(string folder)
        {
            var points = new List<DrillHistoryPoint>();
            if (!Directory.Exists(folder))
            {
                return points;
            }

            foreach (string file in Directory.EnumerateFiles(folder, "*.html"))
            {
                var match = Embedded.Match(File.ReadAllText(file));
                if (!match.Success)
                {
                    continue;
                }

                try
                {
                    var point = JsonSerializer.Deserialize<DrillHistoryPoint>(match.Groups["json"].Value);
                    if (point != null)
                    {
                        points.Add(point);
                    }
                }
                catch (JsonException)
                {
                    // Not one of ours, or damaged: leave it out of the history.
                }
            }

            return points.OrderBy(p => p.StartedAt).ToList();
        }

        private static DrillHistoryPoint PointOf(DrillResult r) =>
            new DrillHistoryPoint { StartedAt = r.StartedAt, RtoSeconds = r.Rto.TotalSeconds, Passed = r.Passed, Database = r.Database };

        private static string Html(DrillResult r, List<DrillHistoryPoint> history)
        {
            static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
            var phases = new[]
            {
                ("Download", r.DownloadDuration, "#b85450"),
                ("Checksum", r.ChecksumDuration, "#6c8ebf"),
                ("Restore", r.RestoreDuration, "#d79b00"),
                ("Verify", r.VerifyDuration, "#82b366"),
                ("Health", r.HealthDuration, "#9673a6"),
            }.Where(p => p.Item1 != "Download" || p.Item2 > TimeSpan.Zero).ToArray();
            double total = Math.Max(0.001, phases.Sum(p => p.Item2.TotalSeconds));
            var html = new StringBuilder();
            html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Restore drill: ").Append(E(r.Database)).Append("</title><style>")
                .Append("body{font-family:Segoe UI,Helvetica,Arial,sans-serif;margin:2em;color:#222;max-width:1000px}h1{margin-bottom:.2em}")
                .Append(".badge{display:inline-block;padding:.3em .8em;border-radius:4px;color:#fff;font-weight:bold}.pass{background:#2e9e5b}.fail{background:#d9534f}")
                .Append(".timeline{display:flex;height:42px;border:1px solid #999;border-radius:4px;overflow:hidden;margin:.5em 0}.timeline div{color:#fff;font-size:12px;padding:4px;overflow:hidden;white-space:nowrap}")
                .Append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.35em .7em;text-align:left;vertical-align:top}th{background:#f3f3f3}.ok{color:#2e9e5b;font-weight:bold}.no{color:#d9534f;font-weight:bold}")
                .Append(".meta td:first-child{font-weight:bold}</style></head><body>");
            html.Append("<h1>Restore drill: ").Append(E(r.Database)).Append("</h1>");
            html.Append("<p><span class=\"badge ").Append(r.Passed ? "pass\">PASSED" : "fail\">FAILED").Append("</span> &nbsp; ")
                .Append(E(r.StartedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture))).Append("</p>");
            html.Append("<table class=\"meta\"><tr><td>Backup</td><td>").Append(E(r.Backup)).Append("</td></tr><tr><td>Environment</td><td>").Append(E(r.Environment))
                .Append("</td></tr><tr><td>Server</td><td>").Append(E(r.Server)).Append("</td></tr><tr><td>Scratch database</td><td>").Append(E(r.ScratchDatabase.Length > 0 ? r.ScratchDatabase : "none (the drill stopped before creating it)"))
                .Append(r.ScratchDatabase.Length == 0 ? string.Empty : r.ScratchKept ? " (kept)" : " (dropped)").Append("</td></tr><tr><td>Restored</td><td>").Append(r.Tables).Append(" tables, ").Append(r.Rows.ToString("N0", CultureInfo.InvariantCulture)).Append(" rows</td></tr></table>");

            html.Append("<h2>Timeline: decide to restore &rarr; healthy</h2><div class=\"timeline\">");
            foreach (var (name, duration, color) in phases)
            {
                double width = Math.Max(duration.TotalSeconds > 0 ? 4 : 0, duration.TotalSeconds * 100 / total);
                html.Append("<div style=\"width:").Append(width.ToString("0.##", CultureInfo.InvariantCulture)).Append("%;background:").Append(color).Append("\" title=\"")
                    .Append(E(name)).Append("\">").Append(E(name)).Append("<br>").Append(E(name == "Health" ? r.HealthPhase : RestoreDrill.Format(duration))).Append("</div>");
            }

            html.Append("</div><table><tr><th>Phase</th><th>Time</th></tr>");
            foreach (var (name, duration, _) in phases)
            {
                html.Append("<tr><td>").Append(E(name)).Append("</td><td>").Append(E(RestoreDrill.Format(duration))).Append("</td></tr>");
            }

            html.Append("<tr><th>RTO (sum)</th><th>").Append(E(RestoreDrill.Format(r.Rto))).Append("</th></tr></table>");
            html.Append("<h2>Objectives</h2><table><tr><th></th><th>Measured</th><th>Target</th><th>Met</th></tr>")
                .Append("<tr><td>RTO (time to recover)</td><td>").Append(E(RestoreDrill.Format(r.Rto))).Append("</td><td>").Append(E(RestoreDrill.Format(r.RtoTarget))).Append("</td><td class=\"").Append(r.RtoMet ? "ok\">yes" : "no\">no").Append("</td></tr>")
                .Append("<tr><td>RPO (age of this backup)</td><td>").Append(E(RestoreDrill.Format(r.BackupAge))).Append("</td><td>").Append(E(RestoreDrill.Format(r.RpoTarget))).Append("</td><td class=\"").Append(r.RpoMet ? "ok\">yes" : "no\">no").Append("</td></tr></table>");
            html.Append("<h2>Checks</h2><table><tr><th>Phase</th><th>Check</th><th>Result</th><th>Message</th></tr>");
            foreach (var check in r.Checks)
            {
                html.Append("<tr><td>").Append(E(check.Phase)).Append("</td><td>").Append(E(check.Name)).Append("</td><td class=\"").Append(check.Passed ? "ok\">pass" : "no\">FAIL")
                    .Append("</td><td>").Append(E(check.Message)).Append("</td></tr>");
            }

            html.Append("</table><h2>History of drills in this folder</h2>").Append(HistoryChart(history, r.RtoTarget));
            html.Append("<p style=\"color:#777;font-size:12px\">Written by B1Backup ").Append(E(Engine.BackupEngine.ToolVersion)).Append(".</p>");
            html.Append("<script type=\"application/json\" id=\"b1-drill\">").Append(JsonSerializer.Serialize(PointOf(r))).Append("</script></body></html>\n");
            return html.ToString();
        }

        /// <summary>
        /// RTO of each drill as a labelled bar (green passed, red failed). The target is a dashed line
        /// when it is within sight; when every drill is far below it, the chart says so instead of
        /// flattening the bars.
        /// </summary>
        private static string HistoryChart(List<DrillHistoryPoint> history, TimeSpan target)
        {
            var shown = history.Skip(Math.Max(0, history.Count - 20)).ToList();
            const int Width = 680;
            const int Height = 200;
            const int Bottom = 165;
            const int Top = 20;
            double longest = shown.Select(h => h.RtoSeconds).DefaultIfEmpty(1).Max();
            bool targetInSight = target.TotalSeconds <= longest * 3;
            double max = (targetInSight ? Math.Max(longest, target.TotalSeconds) : longest) * 1.15;
            double slot = (Width - 60) / (double)Math.Max(1, shown.Count);
            string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
            var svg = new StringBuilder();
            svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(Width).Append("\" height=\"").Append(Height).Append("\" font-size=\"11\">");
            for (int i = 0; i < shown.Count; i++)
            {
                double height = Math.Max(1, shown[i].RtoSeconds / max * (Bottom - Top));
                double x = 50 + (i * slot) + (slot * 0.15);
                string label = RestoreDrill.Format(TimeSpan.FromSeconds(shown[i].RtoSeconds));
                svg.Append("<rect x=\"").Append(F(x)).Append("\" y=\"").Append(F(Bottom - height)).Append("\" width=\"").Append(F(slot * 0.7)).Append("\" height=\"").Append(F(height))
                    .Append("\" fill=\"").Append(shown[i].Passed ? "#2e9e5b" : "#d9534f").Append("\"><title>")
                    .Append(WebUtility.HtmlEncode(shown[i].StartedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + ": " + label)).Append("</title></rect>");
                svg.Append("<text x=\"").Append(F(x)).Append("\" y=\"").Append(F(Bottom - height - 4)).Append("\">").Append(WebUtility.HtmlEncode(label)).Append("</text>");
                svg.Append("<text x=\"").Append(F(x)).Append("\" y=\"").Append(Bottom + 14).Append("\">")
                    .Append(WebUtility.HtmlEncode(shown[i].StartedAt.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture))).Append("</text>");
            }

            if (targetInSight)
            {
                double targetY = Bottom - (target.TotalSeconds / max * (Bottom - Top));
                svg.Append("<line x1=\"45\" x2=\"").Append(Width).Append("\" y1=\"").Append(F(targetY)).Append("\" y2=\"").Append(F(targetY))
                    .Append("\" stroke=\"#333\" stroke-dasharray=\"5,3\"/><text x=\"0\" y=\"").Append(F(targetY + 4)).Append("\">target</text>");
            }
            else
            {
                svg.Append("<text x=\"50\" y=\"12\">RTO target ").Append(WebUtility.HtmlEncode(RestoreDrill.Format(target)))
                    .Append(": far above every drill shown (the bars are drawn to their own scale).</text>");
            }

            svg.Append("<line x1=\"45\" x2=\"").Append(Width).Append("\" y1=\"").Append(Bottom).Append("\" y2=\"").Append(Bottom).Append("\" stroke=\"#999\"/></svg>");
            return svg.ToString();
        }

        private static string Markdown(DrillResult r, List<DrillHistoryPoint> history)
        {
            var md = new StringBuilder();
            md.AppendLine(FormattableString.Invariant($"# Restore drill: {r.Database} ({(r.Passed ? "PASSED" : "FAILED")})")).AppendLine();
            md.AppendLine(FormattableString.Invariant($"- When: {r.StartedAt:yyyy-MM-dd HH:mm:ss zzz}"));
            md.AppendLine(FormattableString.Invariant($"- Backup: `{r.Backup}`"));
            md.AppendLine(r.ScratchDatabase.Length > 0
                ? $"- Server: {r.Server}; scratch database `{r.ScratchDatabase}` ({(r.ScratchKept ? "kept" : "dropped")})"
                : $"- Server: {r.Server}; no scratch database (the drill stopped before creating it)");
            md.AppendLine(FormattableString.Invariant($"- Restored: {r.Tables} tables, {r.Rows:N0} rows")).AppendLine();
            md.AppendLine("| phase | time |").AppendLine("| --- | ---: |");
            if (r.DownloadDuration > TimeSpan.Zero)
            {
                md.AppendLine(FormattableString.Invariant($"| download | {RestoreDrill.Format(r.DownloadDuration)} |"));
            }

            md.AppendLine(FormattableString.Invariant($"| checksum | {RestoreDrill.Format(r.ChecksumDuration)} |"));
            md.AppendLine(FormattableString.Invariant($"| restore | {RestoreDrill.Format(r.RestoreDuration)} |"));
            md.AppendLine(FormattableString.Invariant($"| verify | {RestoreDrill.Format(r.VerifyDuration)} |"));
            md.AppendLine(FormattableString.Invariant($"| health | {r.HealthPhase} |"));
            md.AppendLine(FormattableString.Invariant($"| **RTO** | **{RestoreDrill.Format(r.Rto)}** |")).AppendLine();
            md.AppendLine("| objective | measured | target | met |").AppendLine("| --- | ---: | ---: | --- |");
            md.AppendLine(FormattableString.Invariant($"| RTO | {RestoreDrill.Format(r.Rto)} | {RestoreDrill.Format(r.RtoTarget)} | {(r.RtoMet ? "yes" : "no")} |"));
            md.AppendLine(FormattableString.Invariant($"| RPO (backup age) | {RestoreDrill.Format(r.BackupAge)} | {RestoreDrill.Format(r.RpoTarget)} | {(r.RpoMet ? "yes" : "no")} |")).AppendLine();
            md.AppendLine("| phase | check | result | message |").AppendLine("| --- | --- | --- | --- |");
            foreach (var check in r.Checks)
            {
                md.AppendLine(FormattableString.Invariant($"| {check.Phase} | {check.Name} | {(check.Passed ? "pass" : "FAIL")} | {check.Message.Replace("|", "\\|")} |"));
            }

            md.AppendLine().AppendLine("## History").AppendLine().AppendLine("| when | RTO | result |").AppendLine("| --- | ---: | --- |");
            foreach (var point in history)
            {
                md.AppendLine(FormattableString.Invariant($"| {point.StartedAt:yyyy-MM-dd HH:mm} | {RestoreDrill.Format(TimeSpan.FromSeconds(point.RtoSeconds))} | {(point.Passed ? "passed" : "failed")} |"));
            }

            return md.ToString();
        }
    }
}
