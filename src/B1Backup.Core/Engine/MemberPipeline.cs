using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Threading;
using B1Backup.Core.Archive;
using B1Backup.Core.Store;
using MySqlConnector;

namespace B1Backup.Core.Engine
{
    /// <summary>
    /// Readers produce compressed members in parallel; the calling thread writes them in file order.
    /// A data part is cut into members of at most about <see cref="MemberBytes"/> of SQL, and a reader hands
    /// over one member at a time, so memory stays flat whatever the table sizes, key or no key.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification =
        "The window semaphore holds no kernel handle (its AvailableWaitHandle is never used), and a reader thread abandoned on a dead connection may still release it after Run returns.")]
    internal sealed class MemberPipeline
    {
        /// <summary>SQL per data member before it is cut: large enough to load efficiently, small enough to hold a few in memory.</summary>
        public const long DefaultMemberBytes = 32L << 20;

        private static readonly Encoding Utf8 = new UTF8Encoding(false);
        private readonly IReadOnlyList<WorkItem> items;
        private readonly IReadOnlyList<MySqlConnection> readers;
        private readonly CompressionKind compression;
        private readonly ArchiveWriter archive;
        private readonly BackupManifest manifest;
        private readonly IProgress<BackupProgress>? progress;
        private readonly CancellationToken cancel;
        private readonly object gate = new object();
        private readonly Slot[] slots;
        private readonly SemaphoreSlim window;
        private readonly SegmentPool segments = new SegmentPool();
        private int next = -1;
        private Exception? failure;

        /// <summary>When set, each member is encrypted as it is written, bound to its place in the file.</summary>
        public MemberCipher? Cipher { get; set; }

        /// <summary>Uncompressed SQL after which a data member is closed at the next statement boundary.</summary>
        public long MemberBytes { get; set; } = DefaultMemberBytes;

        public MemberPipeline(IReadOnlyList<WorkItem> items, IReadOnlyList<MySqlConnection> readers, CompressionKind compression, ArchiveWriter archive,
            BackupManifest manifest, IProgress<BackupProgress>? progress, CancellationToken cancel)
        {
            this.items = items;
            this.readers = readers;
            this.compression = compression;
            this.archive = archive;
            this.manifest = manifest;
            this.progress = progress;
            this.cancel = cancel;
            slots = items.Select(_ => new Slot()).ToArray();
            window = new SemaphoreSlim(readers.Count * 2);
        }

        public void Run()
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var threads = readers.Select(reader => new Thread(() => Work(reader, stop.Token)) { IsBackground = true, Name = "B1Backup reader" }).ToList();
            threads.ForEach(t => t.Start());
            try
            {
                WriteInOrder(stop.Token);
            }
            finally
            {
                stop.Cancel();
                foreach (var thread in threads)
                {
                    // A reader stuck on a dead connection is abandoned; its connection is closed by the caller.
                    thread.Join(TimeSpan.FromSeconds(10));
                }
            }
        }

        private void WriteInOrder(CancellationToken token)
        {
            var status = new BackupProgress
            {
                Activity = "Backing up " + manifest.Database,
                TablesTotal = manifest.Tables.Count,
                RowsEstimated = items.Where(w => w.Chunk != null).GroupBy(w => w.Table).Sum(g => g.First().Chunk!.EstimatedRows),
            };
            var tables = manifest.Tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
            for (int i = 0; i < items.Count; i++)
            {
                var item = items[i];
                if (item.Kind == MemberKind.Schema)
                {
                    status.Table = item.Table;
                    status.TablesDone = manifest.Members.Count(m => m.Kind == MemberKind.Schema);
                    status.TableRows = 0;
                    status.TableRowsEstimated = items.FirstOrDefault(w => w.Table == item.Table && w.Chunk != null)?.Chunk!.EstimatedRows ?? 0;
                }

                while (NextMember(i, token) is Member member)
                {
                    Append(item.Kind, item.Table, member);
                    if (item.Kind == MemberKind.Data)
                    {
                        var table = tables[item.Table!];
                        table.Rows += member.Rows;
                        table.DataBytes += member.Uncompressed;
                        status.Rows += member.Rows;
                        status.TableRows += member.Rows;
                    }

                    status.BytesWritten = archive.Position;
                    progress?.Report(status);
                }

                window.Release();
            }

            long rows = manifest.Tables.Sum(t => t.Rows);
            Member? footer = null;
            Produce(WorkItem.Text(MemberKind.Footer, null, writer => writer.WriteFooter(manifest.Tables.Count, rows)), null, made => footer = made, token);
            Append(MemberKind.Footer, null, footer!);
            manifest.EndMarker = DumpWriter.EndMarkerPrefix;
        }

        /// <summary>The next member of item <paramref name="index"/> in file order, or null when the item has no more.</summary>
        private Member? NextMember(int index, CancellationToken token)
        {
            var slot = slots[index];
            lock (gate)
            {
                while (slot.Ready.Count == 0 && !slot.Done)
                {
                    if (failure != null)
                    {
                        ExceptionDispatchInfo.Capture(failure).Throw();
                    }

                    token.ThrowIfCancellationRequested();
                    Monitor.Wait(gate, 200);
                }

                if (slot.Ready.Count == 0)
                {
                    return null;
                }

                var member = slot.Ready.Dequeue();
                Monitor.PulseAll(gate);
                return member;
            }
        }

        private void Append(string kind, string? table, Member member)
        {
            int index = manifest.Members.Count;
            long length = member.Data.Length;
            long offset;
            if (Cipher != null)
            {
                byte[] sealedMember = Cipher.Encrypt(member.Data.ToArray(), (int)length, index);
                length = sealedMember.Length;
                offset = archive.WriteMember(sealedMember, sealedMember.Length, member.Uncompressed, kind);
            }
            else
            {
                offset = archive.WriteMember(member.Data, member.Uncompressed, kind);
            }

            member.Data.Release();
            manifest.Members.Add(new ManifestMember { Kind = kind, Table = table, Offset = offset, Length = length, UncompressedLength = member.Uncompressed, Rows = member.Rows });
        }

        private void Work(MySqlConnection reader, CancellationToken token)
        {
            try
            {
                while (true)
                {
                    window.Wait(token);
                    int index = Interlocked.Increment(ref next);
                    if (index >= items.Count)
                    {
                        return;
                    }

                    Produce(items[index], reader, member => HandOver(index, member, token), token);
                    lock (gate)
                    {
                        slots[index].Done = true;
                        Monitor.PulseAll(gate);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The writer stopped the pipeline; it reports why.
            }
            catch (Exception e)
            {
                lock (gate)
                {
                    failure ??= e;
                    Monitor.PulseAll(gate);
                }
            }
        }

        /// <summary>Gives a finished member to the writer, waiting while the previous one of the same item is still unwritten.</summary>
        private void HandOver(int index, Member member, CancellationToken token)
        {
            var slot = slots[index];
            lock (gate)
            {
                while (slot.Ready.Count > 0)
                {
                    token.ThrowIfCancellationRequested();
                    Monitor.Wait(gate, 200);
                }

                slot.Ready.Enqueue(member);
                Monitor.PulseAll(gate);
            }
        }

        /// <summary>
        /// Writes one piece as SQL text and compresses it: one member for text, one or more for a data part,
        /// cut between statements once a member holds <see cref="MemberBytes"/> of SQL.
        /// </summary>
        private void Produce(WorkItem item, MySqlConnection? reader, Action<Member> made, CancellationToken token)
        {
            var buffer = new SegmentedBuffer(segments);
            var compressor = Compression.Compress(buffer, compression);
            var counting = new CountingStream(compressor);
            int emitted = 0;
            long rowsBefore = 0;

            void Close(long rowsSoFar)
            {
                long uncompressed = counting.BytesWritten;
                compressor.Dispose();
                if (buffer.Length > int.MaxValue)
                {
                    throw new InvalidOperationException($"One part of the backup grew past 2 GB compressed (table {item.Table}); this should not happen, because parts are cut at {MemberBytes:N0} bytes of SQL.");
                }

                made(new Member(buffer, uncompressed, rowsSoFar - rowsBefore));
                emitted++;
                rowsBefore = rowsSoFar;
            }

            using (var text = new StreamWriter(counting, Utf8, 1 << 16, leaveOpen: true))
            {
                var writer = new DumpWriter(text);
                if (item.Chunk == null)
                {
                    item.WriteText!(writer);
                    text.Flush();
                    Close(0);
                    return;
                }

                long rows = writer.WriteTableData(reader!, item.Chunk.Table, _ => token.ThrowIfCancellationRequested(), item.Chunk.Where, rowsSoFar =>
                {
                    // The writer's own buffer holds at most 64K characters: flush it only when the cut is near.
                    if (counting.BytesWritten + (256 << 10) < MemberBytes)
                    {
                        return;
                    }

                    text.Flush();
                    if (counting.BytesWritten < MemberBytes)
                    {
                        return;
                    }

                    Close(rowsSoFar);
                    buffer = new SegmentedBuffer(segments);
                    compressor = Compression.Compress(buffer, compression);
                    counting.Retarget(compressor);
                });
                text.Flush();
                if (counting.BytesWritten > 0 || emitted == 0)
                {
                    Close(rows);
                }
                else
                {
                    compressor.Dispose();
                }
            }
        }

        /// <summary>The members of one work item, in order, waiting for the writer.</summary>
        private sealed class Slot
        {
            public Queue<Member> Ready { get; } = new Queue<Member>();

            public bool Done { get; set; }
        }

        private sealed class Member
        {
            public Member(SegmentedBuffer data, long uncompressed, long rows)
            {
                Data = data;
                Uncompressed = uncompressed;
                Rows = rows;
            }

            /// <summary>The compressed member; its segments go back to the pool once it is written.</summary>
            public SegmentedBuffer Data { get; }

            public long Uncompressed { get; }

            public long Rows { get; }
        }
    }
}
