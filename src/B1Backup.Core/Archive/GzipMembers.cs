using System;
using System.IO;
using System.IO.Compression;

namespace B1Backup.Core.Archive
{
    /// <summary>
    /// .NET's gzip reader stops quietly at bytes after the last member that are not gzip, so a file
    /// with something appended still "decompresses completely". This finds such bytes: the gzip
    /// trailer's ISIZE settles the usual single-member file at once; otherwise the members are walked,
    /// their deflate data fed byte by byte so the decompressor never reads past a member's end.
    /// </summary>
    internal static class GzipMembers
    {
        /// <summary>True when the file holds bytes after its last gzip member that are not another member.</summary>
        public static bool HasTrailingGarbage(string path, long uncompressedSize)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (file.Length < 18)
            {
                return false;
            }

            // A single member ends with the size of what it holds (mod 2^32).
            file.Seek(-4, SeekOrigin.End);
            byte[] isize = new byte[4];
            ReadExactly(file, isize);
            if (BitConverter.ToUInt32(isize, 0) == (uint)(uncompressedSize & 0xFFFFFFFF) && StartsWithMember(file, 0))
            {
                return false;
            }

            file.Seek(0, SeekOrigin.Begin);
            while (file.Position < file.Length)
            {
                if (!SkipMember(file))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool StartsWithMember(FileStream file, long at)
        {
            file.Seek(at, SeekOrigin.Begin);
            return file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        }

        /// <summary>Reads one member (header, deflate data, trailer); false when what follows is not a gzip member.</summary>
        private static bool SkipMember(FileStream file)
        {
            if (file.ReadByte() != 0x1f || file.ReadByte() != 0x8b || file.ReadByte() != 8)
            {
                return false;
            }

            int flags = file.ReadByte();
            file.Seek(6, SeekOrigin.Current);
            if ((flags & 4) != 0)
            {
                int length = file.ReadByte() | (file.ReadByte() << 8);
                file.Seek(length, SeekOrigin.Current);
            }

            foreach (int flag in new[] { 8, 16 })
            {
                if ((flags & flag) != 0)
                {
                    int b;
                    while ((b = file.ReadByte()) > 0)
                    {
                    }
                }
            }

            if ((flags & 2) != 0)
            {
                file.Seek(2, SeekOrigin.Current);
            }

            using (var deflate = new DeflateStream(new OneByteAtATime(file), CompressionMode.Decompress, leaveOpen: true))
            {
                byte[] sink = new byte[1 << 16];
                while (deflate.Read(sink, 0, sink.Length) > 0)
                {
                }
            }

            file.Seek(8, SeekOrigin.Current);
            return file.Position <= file.Length;
        }

        private static void ReadExactly(Stream stream, byte[] buffer)
        {
            int read = 0;
            while (read < buffer.Length)
            {
                int n = stream.Read(buffer, read, buffer.Length - read);
                if (n <= 0)
                {
                    throw new EndOfStreamException();
                }

                read += n;
            }
        }

        /// <summary>Hands the decompressor one byte per read, so it cannot take bytes beyond its member's end.</summary>
        private sealed class OneByteAtATime : ReadOnlyStream
        {
            public OneByteAtATime(Stream inner)
                : base(inner)
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => count == 0 ? 0 : Inner.Read(buffer, offset, 1);
        }
    }
}
