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
        /// zlib level 2 for data between the two kinds below: on .NET 9+ (zlib-ng) much faster than level 6.
        /// Older runtimes, such as Windows PowerShell's, get CompressionLevel.Optimal for every member.
        /// </summary>
        public const int GzipLevel = 2;

        /// <summary>
        /// Level 4 for data that compresses well (dates, small numbers, repeated words): there level 2 is
        /// 30% larger than gzip -6, level 3 16%, level 4 7% and level 5 4%; level 4 takes 8% less time than 5.
        /// </summary>
        public const int DenseGzipLevel = 4;

        /// <summary>Level 2 output below this share of its input marks data that compresses well.</summary>
        public const double DenseRatio = 0.40;

        /// <summary>
        /// Huffman coding alone is taken when its output is at most this much larger than level 2's: on data
        /// with few repeats (sysbench's random digits) it is 3x faster than level 2 and smaller, since
        /// level 2's quick matching finds little but still costs.
        /// </summary>
        public const double HuffmanSlack = 1.02;

        /// <summary>How much of a member is looked at before its level is chosen.</summary>
        public const int SampleBytes = 1 << 20;

        /// <summary>zstd's own default: compresses better than gzip -6 at several times its speed.</summary>
        public const int ZstdLevel = 3;

        private static readonly Func<Stream, GzipChoice, Stream>? LevelledGzip = FindLevelledGzip();

        /// <summary>A stream that compresses into <paramref name="output"/> (left open) as one member.</summary>
        public static Stream Compress(Stream output, CompressionKind kind) => kind switch
        {
            CompressionKind.Gzip => LevelledGzip != null ? new AdaptiveGzipStream(output, LevelledGzip) : new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true),
            CompressionKind.Zstd => new ZstdSharp.CompressionStream(output, ZstdLevel, leaveOpen: true),
            _ => new PassThroughStream(output),
        };

        /// <summary>How to compress a member whose sample of <paramref name="sampleBytes"/> came to
        /// <paramref name="levelTwoBytes"/> at level 2 and <paramref name="huffmanBytes"/> with Huffman coding alone.</summary>
        public static GzipChoice ChooseGzip(long sampleBytes, long levelTwoBytes, long huffmanBytes) =>
            huffmanBytes <= levelTwoBytes * HuffmanSlack ? GzipChoice.HuffmanOnly
            : levelTwoBytes < sampleBytes * DenseRatio ? GzipChoice.Dense
            : GzipChoice.Fast;

        /// <summary>
        /// new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = n, CompressionStrategy = s }, true),
        /// where the runtime has it (.NET 9+); reflection, because the engine is also built for .NET 8.
        /// </summary>
        private static Func<Stream, GzipChoice, Stream>? FindLevelledGzip()
        {
            var optionsType = typeof(GZipStream).Assembly.GetType("System.IO.Compression.ZLibCompressionOptions");
            var constructor = optionsType == null ? null : typeof(GZipStream).GetConstructor(new[] { typeof(Stream), optionsType, typeof(bool) });
            var level = optionsType?.GetProperty("CompressionLevel");
            var strategy = optionsType?.GetProperty("CompressionStrategy");
            if (constructor == null || level == null || strategy == null)
            {
                return null;
            }

            object huffmanOnly = Enum.Parse(strategy.PropertyType, "HuffmanOnly");
            return (output, choice) =>
            {
                object options = Activator.CreateInstance(optionsType!)!;
                level.SetValue(options, choice == GzipChoice.Dense ? DenseGzipLevel : GzipLevel);
                if (choice == GzipChoice.HuffmanOnly)
                {
                    strategy.SetValue(options, huffmanOnly);
                }

                return (Stream)constructor.Invoke(new object[] { output, options, true });
            };
        }

        /// <summary>
        /// Holds the first megabyte of a member, compresses that sample at level 2 and with Huffman coding
        /// alone to see how the data compresses, then compresses the whole member the way that suits it
        /// (see <see cref="ChooseGzip"/>). Output is ordinary gzip.
        /// </summary>
        private sealed class AdaptiveGzipStream : WriteOnlyStream
        {
            private readonly Func<Stream, GzipChoice, Stream> create;
            private readonly Stream output;
            private MemoryStream? sample = new MemoryStream();
            private Stream? compressor;

            public AdaptiveGzipStream(Stream output, Func<Stream, GzipChoice, Stream> create)
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
                    compressor = create(output, GzipChoice.Fast);
                    compressor.Write(held.GetBuffer(), 0, (int)held.Length);
                    return;
                }

                // Both trials compress the sample; the chosen one's output so far is copied to the member and it
                // goes on writing there, so the sample is compressed a third time only for the dense level.
                var trials = new[] { Trial(held, GzipChoice.Fast), Trial(held, GzipChoice.HuffmanOnly) };
                var choice = ChooseGzip(held.Length, trials[0].Probe.Length, trials[1].Probe.Length);
                int keep = choice == GzipChoice.Fast ? 0 : choice == GzipChoice.HuffmanOnly ? 1 : -1;
                for (int i = 0; i < trials.Length; i++)
                {
                    if (i != keep)
                    {
                        trials[i].Compressor.Dispose();
                    }
                }

                if (keep >= 0)
                {
                    var (probe, target, kept) = trials[keep];
                    output.Write(probe.GetBuffer(), 0, (int)probe.Length);
                    target.Retarget(output);
                    compressor = kept;
                    return;
                }

                compressor = create(output, choice);
                compressor.Write(held.GetBuffer(), 0, (int)held.Length);
            }

            private (MemoryStream Probe, CountingStream Target, Stream Compressor) Trial(MemoryStream held, GzipChoice choice)
            {
                var probe = new MemoryStream();
                var target = new CountingStream(probe);
                var trial = create(target, choice);
                trial.Write(held.GetBuffer(), 0, (int)held.Length);
                trial.Flush();
                return (probe, target, trial);
            }
        }
    }

    /// <summary>How one gzip member is compressed.</summary>
    public enum GzipChoice
    {
        /// <summary>Level 2: most data.</summary>
        Fast,

        /// <summary>Level 4: data that compresses well (dates, small numbers, repeated words).</summary>
        Dense,

        /// <summary>Huffman coding alone, no matching: data with few repeats, such as random strings.</summary>
        HuffmanOnly,
    }
}
