using System;

namespace B1Backup.Core.Restore
{
    public sealed class RestoreResult
    {
        public string Path { get; set; } = string.Empty;

        public string Database { get; set; } = string.Empty;

        public string Server { get; set; } = string.Empty;

        public int Tables { get; set; }

        public long Rows { get; set; }

        public TimeSpan Duration { get; set; }

        public bool ChecksumVerified { get; set; }

        public bool Verified { get; set; }

        /// <summary>Staged (loaded beside the target, then swapped in) or InPlace (loaded into the target directly).</summary>
        public RestoreMode Mode { get; set; }

        public RestoreCheck[] Checks { get; set; } = Array.Empty<RestoreCheck>();

        public override string ToString() => Database + " <- " + Path;
    }
}
