using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// What a block blob and an S3 multipart upload share: bytes gathered into parts, four parts sent at
    /// once while the next fills, part buffers reused so memory stays flat whatever the size, and the
    /// first failure of any part thrown on the writer's thread. Subclasses send a part and commit.
    /// </summary>
    internal abstract class StagedPartUpload : IStagedUpload
    {
        private const int PartsInFlight = 4;

        private readonly List<Task> sending = new List<Task>();
        private readonly SemaphoreSlim slots = new SemaphoreSlim(PartsInFlight);
        private readonly ConcurrentBag<byte[]> spare = new ConcurrentBag<byte[]>();
        private byte[] part;
        private int filled;
        private bool finished;

        protected StagedPartUpload(string shown, CancellationToken cancel)
        {
            Shown = shown;
            Cancel = cancel;
            part = new byte[PartSize(0)];
        }

        /// <summary>The object as the user would write it, for messages.</summary>
        protected string Shown { get; }

        protected CancellationToken Cancel { get; }

        /// <summary>Parts handed to <see cref="SendPartAsync"/> so far.</summary>
        protected int PartCount { get; private set; }

        /// <summary>The most parts the service takes for one object.</summary>
        protected abstract int MaxParts { get; }

        /// <summary>Whether an empty object still needs one (empty) part.</summary>
        protected virtual bool NeedsAPart => false;

        public void Write(byte[] buffer, int offset, int count)
        {
            while (count > 0)
            {
                int take = Math.Min(count, part.Length - filled);
                Buffer.BlockCopy(buffer, offset, part, filled, take);
                filled += take;
                offset += take;
                count -= take;
                if (filled == part.Length)
                {
                    SendCurrent();
                }
            }
        }

        public void Finish()
        {
            if (finished)
            {
                return;
            }

            if (filled > 0 || (PartCount == 0 && NeedsAPart))
            {
                SendCurrent();
            }

            WaitAll();
            finished = true;
        }

        public void Commit()
        {
            Finish();
            CommitParts();
        }

        public void Dispose()
        {
            // Parts still on their way finish (or fail) before the semaphore goes.
            try
            {
                Task.WaitAll(sending.ToArray(), CancellationToken.None);
            }
            catch (AggregateException)
            {
            }

            Abandon();
            slots.Dispose();
        }

        /// <summary>The size of the part with this zero-based index.</summary>
        protected abstract int PartSize(int index);

        /// <summary>Sends part <paramref name="number"/> (one-based); runs on the thread pool.</summary>
        protected abstract Task SendPartAsync(int number, byte[] data, int length);

        /// <summary>Makes the object visible from the parts sent, in order.</summary>
        protected abstract void CommitParts();

        /// <summary>Called on dispose: what an uncommitted upload must undo on the service, if anything.</summary>
        protected virtual void Abandon()
        {
        }

        protected abstract bool IsStorageFailure(Exception e);

        protected abstract B1BackupException Translate(Exception e, string what);

        private void SendCurrent()
        {
            if (PartCount == MaxParts)
            {
                throw new B1BackupException("BackupTooLargeForStore", FailureKind.WriteError,
                    $"'{Shown}' would need more than {MaxParts} parts; back up to a local folder and split the database.");
            }

            int number = ++PartCount;
            slots.Wait(Cancel);
            if (sending.Any(t => t.IsFaulted || t.IsCanceled))
            {
                slots.Release();
                WaitAll();
            }

            byte[] data = part;
            int length = filled;
            sending.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        await SendPartAsync(number, data, length).ConfigureAwait(false);
                    }
                    finally
                    {
                        spare.Add(data);
                        slots.Release();
                    }
                },
                Cancel));
            int size = PartSize(PartCount);
            part = spare.TryTake(out byte[]? reused) && reused.Length == size ? reused : new byte[size];
            filled = 0;
        }

        private void WaitAll()
        {
            try
            {
                Task.WaitAll(sending.ToArray(), CancellationToken.None);
            }
            catch (AggregateException e)
            {
                var first = e.Flatten().InnerExceptions.FirstOrDefault(x => !(x is OperationCanceledException)) ?? e.InnerExceptions[0];
                if (first is OperationCanceledException canceled)
                {
                    throw canceled;
                }

                throw IsStorageFailure(first) ? Translate(first, "upload") : first;
            }
        }
    }
}
