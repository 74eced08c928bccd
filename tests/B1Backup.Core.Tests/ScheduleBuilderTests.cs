using System;
using System.Linq;
using B1Backup.Core.Schedule;
using Xunit;

namespace B1Backup.Core.Tests
{
    [Trait("Category", "Unit")]
    public class ScheduleBuilderTests
    {
        private static ScheduleDefinition Request(string environment = "production", SchedulePlatform platform = SchedulePlatform.Cron) => new ScheduleDefinition
        {
            Name = "B1Backup-" + environment,
            Environment = environment,
            BackupRoot = "/srv/backups",
            At = new TimeSpan(2, 30, 0),
            EnvironmentFile = "/etc/b1backup/prod.env",
            Platform = platform,
            ModulePath = "/opt/b1 backup/B1Backup.psd1",
            Shell = new[] { "/usr/bin/dotnet", "/root/.nuget/packages/powershell/7.6.9/tools/net10.0/any/pwsh.dll" },
            DefinitionPath = "/root/.local/state/b1backup/schedules/B1Backup-" + environment + ".json",
            LogPath = "/root/.local/state/b1backup/logs/B1Backup-" + environment + ".log",
        };

        [Fact]
        public void CronLineRunsTheJobWithTheEnvironmentFileTheModuleByPathAndAnAbsoluteShell()
        {
            var plan = ScheduleBuilder.Build(Request());
            Assert.StartsWith("30 2 * * * /bin/bash -c ", plan.CronLine);
            Assert.EndsWith("# B1Backup schedule: B1Backup-production", plan.CronLine);
            Assert.Contains(". '\\''/etc/b1backup/prod.env'\\''", plan.CronLine);
            Assert.Contains("exec '\\''/usr/bin/dotnet'\\'' '\\''/root/.nuget/packages/powershell/7.6.9/tools/net10.0/any/pwsh.dll'\\''", plan.CronLine);
            Assert.Equal("try { Import-Module '/opt/b1 backup/B1Backup.psd1' -ErrorAction Stop; Invoke-B1BackupJob -Definition '/root/.local/state/b1backup/schedules/B1Backup-production.json' -ErrorAction Stop | Out-Null } catch { [Console]::Error.WriteLine($_.ToString()); exit 1 }", plan.PowerShellCommand);
            Assert.DoesNotContain("DATABASE_URL=", plan.CronLine);
            // The dry run is the same job, started the same way, with -DryRun.
            Assert.Equal("/bin/bash", plan.DryRun[0]);
            Assert.Contains("-DryRun -ErrorAction Stop | Out-Null", plan.DryRun[2]);
            Assert.Contains("set -a; . '/etc/b1backup/prod.env'; set +a; exec '/usr/bin/dotnet'", plan.DryRun[2]);
        }

        [Theory]
        [InlineData("production", 30)]
        [InlineData("prod", 30)]
        [InlineData("staging", 7)]
        [InlineData("development", 3)]
        [InlineData("qa", 7)]
        public void RetentionDefaultsFollowTheEnvironment(string environment, int days)
        {
            Assert.Equal(days, Request(environment).EffectiveRetentionDays);
            Assert.Contains($"keeps {days} days", ScheduleBuilder.Build(Request(environment)).Description);
        }

        [Fact]
        public void PercentSignsAreEscapedForCron()
        {
            var request = Request();
            request.DefinitionPath = "/srv/100%backups/x.json";
            Assert.Contains("100\\%backups", ScheduleBuilder.Build(request).CronLine);
        }

        [Fact]
        public void WindowsTaskIsADailySchtasksCreate()
        {
            var request = Request("staging", SchedulePlatform.WindowsTask);
            request.Shell = new[] { @"C:\Program Files\PowerShell\7\pwsh.exe" };
            request.ModulePath = @"C:\Modules\B1Backup\B1Backup.psd1";
            request.DefinitionPath = @"C:\Users\ops\AppData\Local\B1Backup\schedules\B1Backup-staging.json";
            request.RetentionDays = 14;
            var plan = ScheduleBuilder.Build(request);
            var args = plan.TaskArguments.ToList();
            Assert.Equal(new[] { "/Create", "/F", "/TN", @"B1Backup\B1Backup-staging", "/SC", "DAILY", "/ST", "02:30", "/TR" }, args.Take(9));
            Assert.StartsWith("\"C:\\Program Files\\PowerShell\\7\\pwsh.exe\" -NoProfile -NonInteractive -Command \"try { Import-Module 'C:\\Modules\\B1Backup\\B1Backup.psd1'", args[9]);
            Assert.Contains("keeps 14 days", plan.Description);
            Assert.Null(plan.CronLine);
            Assert.Equal(@"C:\Program Files\PowerShell\7\pwsh.exe", plan.DryRun[0]);
        }

        [Fact]
        public void MergeReplacesItsOwnLineAndKeepsOthers()
        {
            var plan = ScheduleBuilder.Build(Request());
            string existing = "0 1 * * * /usr/bin/other\n15 2 * * * old # B1Backup schedule: B1Backup-production\n";
            string merged = ScheduleBuilder.MergeCrontab(existing, plan);
            Assert.Equal(new[] { "0 1 * * * /usr/bin/other", plan.CronLine }, merged.TrimEnd('\n').Split('\n'));
        }

        [Theory]
        [InlineData("bad name")]
        [InlineData("x;rm -rf /")]
        public void NamesAreSafe(string name)
        {
            var request = Request();
            request.Name = name;
            Assert.Equal("InvalidScheduleName", Assert.ThrowsAny<B1BackupException>(() => ScheduleBuilder.Build(request)).ErrorId);
        }

        [Fact]
        public void UnregisteringRemovesOnlyItsOwnLine()
        {
            string existing = "0 1 * * * /usr/bin/other\n15 2 * * * job # B1Backup schedule: B1Backup-production\n15 3 * * * job # B1Backup schedule: B1Backup-production-eu\n";
            Assert.Equal("0 1 * * * /usr/bin/other\n15 3 * * * job # B1Backup schedule: B1Backup-production-eu\n", ScheduleBuilder.RemoveFromCrontab(existing, "B1Backup-production"));
            Assert.Equal(string.Empty, ScheduleBuilder.RemoveFromCrontab("1 1 * * * x # B1Backup schedule: a\n", "a"));
        }

        [Fact]
        public void TheLogRotatesAtItsSizeKeepingThreeOldFiles()
        {
            string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "b1log-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            string log = System.IO.Path.Combine(folder, "logs", "job.log");
            try
            {
                string line = new string('x', 100 * 1024);
                for (int i = 0; i < 60; i++)
                {
                    ScheduleLog.Append(log, ScheduleLog.Line(DateTimeOffset.Now, i % 2 == 0, i + " " + line));
                }

                Assert.True(System.IO.File.Exists(log + ".1"));
                Assert.True(System.IO.File.Exists(log + ".3"));
                Assert.False(System.IO.File.Exists(log + ".4"));
                Assert.True(new System.IO.FileInfo(log).Length < ScheduleLog.RotateAtBytes + line.Length + 200);
                Assert.Matches("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{2}:\\d{2} FAILED 59 x+$", ScheduleLog.LastLine(log));
                // A line is always one line, whatever the error said.
                ScheduleLog.Append(log, ScheduleLog.Line(DateTimeOffset.Now, false, "first\nsecond"));
                Assert.EndsWith("FAILED first second", ScheduleLog.LastLine(log));
            }
            finally
            {
                System.IO.Directory.Delete(folder, true);
            }
        }
    }
}
