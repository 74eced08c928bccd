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
        private readonly Stopwatch sinceLast = Stopwatch.StartNew();
        private bool shown;

        public ProgressReporter(Cmdlet cmdlet, int activityId, string activity, Func<T, ProgressRecord, bool> fill)
        {
            this.cmdlet = cmdlet;
            this.activityId = activityId;
            this.activity = activity;
            this.fill = fill;
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
