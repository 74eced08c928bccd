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
    /// <summary>One piece of a dump: text made from the catalog, or a range of a table's rows.</summary>
    internal sealed class WorkItem
    {
        private WorkItem(string kind, string? table, Action<DumpWriter>? writeText, DataChunk? chunk)
        {
            Kind = kind;
            Table = table;
            WriteText = writeText;
            Chunk = chunk;
        }

        public string Kind { get; }

        public string? Table { get; }

        public Action<DumpWriter>? WriteText { get; }

        public DataChunk? Chunk { get; }

        public static WorkItem Text(string kind, string? table, Action<DumpWriter> write) => new WorkItem(kind, table, write, null);

        public static WorkItem Data(DataChunk chunk) => new WorkItem("Data", chunk.Table.Name, null, chunk);
    }

    /// <summary>
    /// Readers produce compressed members in parallel; the calling thread writes them in file order.
    /// Readers run at most a few members ahead of the writer, so memory stays flat whatever the table sizes.
    /// </summary>
    internal sealed class MemberPipeline
    {
        private static readonly Encoding Utf8 = new UTF8Encoding(false);
        private readonly IReadOnlyList<WorkItem> items;
        private readonly IReadOnlyList<MySqlConnection> readers;
        private readonly CompressionKind compression;
        private readonly ArchiveWriter archive;
        private readonly BackupManifest manifest;
        private readonly IProgress<BackupProgress>? progress;
        private readonly CancellationToken cancel;
        private readonly object gate = new object();
        private readonly Member?[] results;
        private readonly SemaphoreSlim window;
        private int next = -1;
        private Exception? failure;

        /// <summary>When set, each member is encrypted by the reader that made it.</summary>
        public MemberCipher? Cipher { get; set; }

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
            results = new Member?[items.Count];
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
                token.ThrowIfCancellationRequested();
                Member member;
                lock (gate)
                {
                    while (results[i] == null)
                    {
                        if (failure != null)
                        {
                            ExceptionDispatchInfo.Capture(failure).Throw();
                        }

                        token.ThrowIfCancellationRequested();
                        Monitor.Wait(gate, 200);
                    }

                    member = results[i]!;
                    results[i] = null;
                }

                var item = items[i];
                Append(item.Kind, item.Table, member);
                window.Release();
                if (item.Kind == "Schema")
                {
                    status.Table = item.Table;
                    status.TablesDone = manifest.Members.Count(m => m.Kind == "Schema") - 1;
                    status.TableRows = 0;
                    status.TableRowsEstimated = items.FirstOrDefault(w => w.Table == item.Table && w.Chunk != null)?.Chunk!.EstimatedRows ?? 0;
                }
                else if (item.Kind == "Data")
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

            long rows = manifest.Tables.Sum(t => t.Rows);
            Append("Footer", null, Seal(Produce(WorkItem.Text("Footer", null, writer => writer.WriteFooter(manifest.Tables.Count, rows)), null, token), items.Count));
            manifest.EndMarker = DumpWriter.EndMarkerPrefix;
        }

        private void Append(string kind, string? table, Member member)
        {
            long offset = archive.WriteMember(member.Buffer, member.Length, member.Uncompressed);
            manifest.Members.Add(new ManifestMember { Kind = kind, Table = table, Offset = offset, Length = member.Length, UncompressedLength = member.Uncompressed, Rows = member.Rows });
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

                    var member = Seal(Produce(items[index], reader, token), index);
                    lock (gate)
                    {
                        results[index] = member;
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

        /// <summary>Encrypts a member for its place in the file, when the backup is encrypted.</summary>
        private Member Seal(Member member, int index)
        {
            if (Cipher == null)
            {
                return member;
            }

            byte[] sealedBytes = Cipher.Encrypt(member.Buffer, member.Length, index);
            return new Member(sealedBytes, sealedBytes.Length, member.Uncompressed, member.Rows);
        }

        /// <summary>Writes one piece as SQL text and compresses it as one member, in memory.</summary>
        private Member Produce(WorkItem item, MySqlConnection? reader, CancellationToken token)
        {
            var buffer = new MemoryStream(item.Chunk != null ? 4 << 20 : 4096);
            long rows = 0;
            long uncompressed;
            using (var compressor = Compression.Compress(buffer, compression))
            {
                var counting = new CountingStream(compressor);
                using (var text = new StreamWriter(counting, Utf8, 1 << 16, leaveOpen: true))
                {
                    var writer = new DumpWriter(text);
                    if (item.Chunk != null)
                    {
                        rows = writer.WriteTableData(reader!, item.Chunk.Table, _ => token.ThrowIfCancellationRequested(), item.Chunk.Where);
                    }
                    else
                    {
                        item.WriteText!(writer);
                    }
                }

                uncompressed = counting.BytesWritten;
            }

            return new Member(buffer.GetBuffer(), (int)buffer.Length, uncompressed, rows);
        }

        private sealed class Member
        {
            public Member(byte[] buffer, int length, long uncompressed, long rows)
            {
                Buffer = buffer;
                Length = length;
                Uncompressed = uncompressed;
                Rows = rows;
            }

            public byte[] Buffer { get; }

            public int Length { get; }

            public long Uncompressed { get; }

            public long Rows { get; }
        }
    }
}
