using System;
using System.Linq;
using B1Backup.Core.Schedule;
using Xunit;

namespace B1Backup.Core.Tests
{
    public class ScheduleBuilderTests
    {
        private static ScheduleRequest Request(string environment = "production") => new ScheduleRequest
        {
            Name = "B1Backup-" + environment,
            Environment = environment,
            BackupRoot = "/srv/backups",
            At = new TimeSpan(2, 30, 0),
            EnvironmentFile = "/etc/b1backup/prod.env",
        };

        [Fact]
        public void CronLineRunsDailyWithTheEnvironmentFileBackupAndRetention()
        {
            var plan = ScheduleBuilder.Build(Request(), SchedulePlatform.Cron);
            Assert.StartsWith("30 2 * * * /bin/bash -c ", plan.CronLine);
            Assert.EndsWith("# B1Backup schedule: B1Backup-production", plan.CronLine);
            Assert.Contains(". '\\''/etc/b1backup/prod.env'\\''", plan.CronLine);
            Assert.Contains("Backup-B1Database -Environment production -Path '/srv/backups' -ErrorAction Stop", plan.PowerShellCommand);
            Assert.Contains("/srv/backups", plan.CronLine);
            Assert.Contains("New-TimeSpan -Days 30", plan.PowerShellCommand);
            Assert.Contains("Remove-B1Backup", plan.PowerShellCommand);
            Assert.DoesNotContain("DATABASE_URL=", plan.CronLine);
        }

        [Theory]
        [InlineData("production", 30)]
        [InlineData("prod", 30)]
        [InlineData("staging", 7)]
        [InlineData("development", 3)]
        [InlineData("qa", 7)]
        public void RetentionDefaultsFollowTheEnvironment(string environment, int days) =>
            Assert.Contains($"New-TimeSpan -Days {days})", ScheduleBuilder.Build(Request(environment), SchedulePlatform.Cron).PowerShellCommand);

        [Fact]
        public void PercentSignsAreEscapedForCron()
        {
            var request = Request();
            request.BackupRoot = "/srv/100%backups";
            Assert.Contains("100\\%backups", ScheduleBuilder.Build(request, SchedulePlatform.Cron).CronLine);
        }

        [Fact]
        public void WindowsTaskIsADailySchtasksCreate()
        {
            var request = Request("staging");
            request.BackupRoot = @"D:\backups";
            request.RetentionDays = 14;
            var plan = ScheduleBuilder.Build(request, SchedulePlatform.WindowsTask);
            var args = plan.TaskArguments.ToList();
            Assert.Equal(new[] { "/Create", "/F", "/TN", @"B1Backup\B1Backup-staging", "/SC", "DAILY", "/ST", "02:30", "/TR" }, args.Take(9));
            Assert.StartsWith("pwsh.exe -NoProfile -NonInteractive -Command \"Import-Module B1Backup; Backup-B1Database -Environment staging -Path 'D:\\backups'", args[9]);
            Assert.Contains("New-TimeSpan -Days 14", args[9]);
            Assert.Null(plan.CronLine);
        }

        [Fact]
        public void MergeReplacesItsOwnLineAndKeepsOthers()
        {
            var plan = ScheduleBuilder.Build(Request(), SchedulePlatform.Cron);
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
            Assert.Equal("InvalidScheduleName", Assert.Throws<B1BackupException>(() => ScheduleBuilder.Build(request, SchedulePlatform.Cron)).ErrorId);
        }
    }
}
