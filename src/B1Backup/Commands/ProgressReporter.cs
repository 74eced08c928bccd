using System;
using System.Diagnostics;
using System.Management.Automation;

namespace B1Backup.Commands
{
    /// <summary>
    /// Turns engine progress into Write-Progress on the pipeline thread, at most a few times a
    /// second, and always completes the bar.
    /// </summary>
    internal sealed class ProgressReporter<T> : IProgress<T>, IDisposable
    {
        private readonly Cmdlet cmdlet;
        private readonly int activityId;
        private readonly string activity;
        private readonly Func<T, ProgressRecord, bool> fill;
        private readonly Stopwatch elapsed = Stopwatch.StartNew();
        private readonly int childId;
        private readonly Stopwatch sinceLast = Stopwatch.StartNew();
        private bool shown;

        public ProgressReporter(Cmdlet cmdlet, int activityId, string activity, Func<T, ProgressRecord, bool> fill)
        {
            this.cmdlet = cmdlet;
            this.activityId = activityId;
            this.activity = activity;
            this.fill = fill;
            childId = activityId + 100;
        }

        /// <summary>Time since the work began: for rates and estimates of time left.</summary>
        public TimeSpan Elapsed => elapsed.Elapsed;

        /// <summary>Seconds left at the rate so far, or -1 when there is nothing to reckon from yet.</summary>
        public int SecondsLeft(double done, double total)
        {
            if (done <= 0 || total <= done || elapsed.Elapsed.TotalSeconds < 1)
            {
                return -1;
            }

            return (int)Math.Ceiling(elapsed.Elapsed.TotalSeconds * (total - done) / done);
        }

        /// <summary>A bar under the main one (one table of a backup); null clears it.</summary>
        public void Child(string? activity, string status, int percent)
        {
            try
            {
                var record = new ProgressRecord(childId, activity ?? "Table", activity == null ? "Done" : status) { ParentActivityId = activityId, PercentComplete = percent };
                if (activity == null)
                {
                    record.RecordType = ProgressRecordType.Completed;
                }

                cmdlet.WriteProgress(record);
            }
            catch (PipelineStoppedException)
            {
                // The engine sees Ctrl+C through its cancellation token.
            }
        }

        public void Report(T value)
        {
            if (shown && sinceLast.ElapsedMilliseconds < 250)
            {
                return;
            }

            var record = new ProgressRecord(activityId, activity, "Working");
            if (fill(value, record))
            {
                try
                {
                    cmdlet.WriteProgress(record);
                }
                catch (PipelineStoppedException)
                {
                    // Ctrl+C: the engine sees it through its cancellation token and cleans up first.
                    return;
                }

                shown = true;
                sinceLast.Restart();
            }
        }

        public void Dispose()
        {
            if (shown)
            {
                try
                {
                    cmdlet.WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
                }
                catch (PipelineStoppedException)
                {
                    // Stopped pipelines take their progress bars with them.
                }
            }
        }
    }
}
