using System;
using System.Text;

namespace B1Backup.Core.Archive
{
    /// <summary>Keeps the last few kilobytes of a stream to find its last line.</summary>
    internal sealed class TailKeeper
    {
        private readonly byte[] tail;
        private int length;

        public TailKeeper(int size) => tail = new byte[size];

        public void Add(byte[] buffer, int count)
        {
            if (count >= tail.Length)
            {
                Buffer.BlockCopy(buffer, count - tail.Length, tail, 0, tail.Length);
                length = tail.Length;
                return;
            }

            int keep = Math.Min(length, tail.Length - count);
            Buffer.BlockCopy(tail, length - keep, tail, 0, keep);
            Buffer.BlockCopy(buffer, 0, tail, keep, count);
            length = keep + count;
        }

        public string LastLine()
        {
            string text = Encoding.UTF8.GetString(tail, 0, length).TrimEnd('\n', '\r', ' ', '\t', '\0');
            int newline = text.LastIndexOf('\n');
            return (newline >= 0 ? text.Substring(newline + 1) : text).Trim();
        }
    }
}
