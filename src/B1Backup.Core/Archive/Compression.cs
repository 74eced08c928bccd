using System;
using System.IO;
using System.IO.Compression;
using B1Backup.Core.Store;

namespace B1Backup.Core.Archive
{
    /// <summary>
    /// Compressed members: each chunk of a backup is compressed on its own (as pigz does), so chunks
    /// compress on every core and the file is still one valid gzip stream for every reader.
    /// </summary>
    public static class Compression
    {
        /// <summary>
        /// zlib level 2: on .NET 9+ (zlib-ng) as small as level 6 on data that hardly compresses (random
        /// strings: 1% larger) and much faster. Older runtimes, such as Windows PowerShell's, get CompressionLevel.Optimal.
        /// </summary>
        public const int GzipLevel = 2;

        /// <summary>
        /// Level 5 for data that compresses well (dates, small numbers, repeated words): there level 2 is
        /// 30% larger than gzip -6 and level 5 within 5% of it, at about twice level 2's time.
        /// </summary>
        public const int DenseGzipLevel = 5;

        /// <summary>Level 2 output below this share of its input marks data that compresses well.</summary>
        public const double DenseRatio = 0.40;

        /// <summary>How much of a member is looked at before its level is chosen.</summary>
        public const int SampleBytes = 1 << 20;

        /// <summary>zstd's own default: compresses better than gzip -6 at several times its speed.</summary>
        public const int ZstdLevel = 3;

        private static readonly Func<Stream, int, Stream>? LevelledGzip = FindLevelledGzip();

        /// <summary>A stream that compresses into <paramref name="output"/> (left open) as one member.</summary>
        public static Stream Compress(Stream output, CompressionKind kind) => kind switch
        {
            CompressionKind.Gzip => LevelledGzip != null ? new AdaptiveGzipStream(output, LevelledGzip) : new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
            CompressionKind.Zstd => new ZstdSharp.CompressionStream(output, ZstdLevel, leaveOpen: true),
            _ => new PassThroughStream(output),
        };

        /// <summary>The level for a member whose sample compressed to <paramref name="ratio"/> of its size at level 2.</summary>
        public static int ChooseGzipLevel(double ratio) => ratio < DenseRatio ? DenseGzipLevel : GzipLevel;

        /// <summary>new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = n }, true), where the runtime has it.</summary>
        private static Func<Stream, int, Stream>? FindLevelledGzip()
        {
            var optionsType = typeof(GZipStream).Assembly.GetType("System.IO.Compression.ZLibCompressionOptions");
            var constructor = optionsType == null ? null : typeof(GZipStream).GetConstructor(new[] { typeof(Stream), optionsType, typeof(bool) });
            var level = optionsType?.GetProperty("CompressionLevel");
            if (constructor == null || level == null)
            {
                return null;
            }

            return (output, n) =>
            {
                object options = Activator.CreateInstance(optionsType!)!;
                level.SetValue(options, n);
                return (Stream)constructor.Invoke(new object[] { output, options, true });
            };
        }

        /// <summary>
        /// Holds the first megabyte of a member, compresses that sample at level 2 to see how the data
        /// compresses, then compresses the whole member at the level that suits it. Output is ordinary gzip.
        /// </summary>
        private sealed class AdaptiveGzipStream : WriteOnlyStream
        {
            private readonly Func<Stream, int, Stream> create;
            private readonly Stream output;
            private MemoryStream? sample = new MemoryStream();
            private Stream? compressor;

            public AdaptiveGzipStream(Stream output, Func<Stream, int, Stream> create)
                : base(output)
            {
                this.output = output;
                this.create = create;
            }

            public override void Write(byte[] buffer, int offset, int count)
            {
                if (compressor != null)
                {
                    compressor.Write(buffer, offset, count);
                    return;
                }

                sample!.Write(buffer, offset, count);
                if (sample.Length >= SampleBytes)
                {
                    Start();
                }
            }

            public override void Flush()
            {
                // Nothing to push early: the member is complete only when it is disposed.
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    if (compressor == null)
                    {
                        Start();
                    }

                    compressor!.Dispose();
                }

                base.Dispose(disposing);
            }

            private void Start()
            {
                var held = sample!;
                sample = null;
                if (held.Length < 4096)
                {
                    compressor = create(output, GzipLevel);
                    compressor.Write(held.GetBuffer(), 0, (int)held.Length);
                    return;
                }

                // The trial at level 2 is kept when level 2 is the choice: its output so far is copied to the
                // member and it goes on writing there, so most members are compressed once.
                var probe = new MemoryStream();
                var target = new CountingStream(probe);
                var trial = create(target, GzipLevel);
                trial.Write(held.GetBuffer(), 0, (int)held.Length);
                trial.Flush();
                int level = ChooseGzipLevel((double)probe.Length / held.Length);
                if (level == GzipLevel)
                {
                    output.Write(probe.GetBuffer(), 0, (int)probe.Length);
                    target.Retarget(output);
                    compressor = trial;
                    return;
                }

                trial.Dispose();
                compressor = create(output, level);
                compressor.Write(held.GetBuffer(), 0, (int)held.Length);
            }
        }
    }
}
