using System;

namespace B1Backup.Core.Remote
{
    /// <summary>One object (blob or file) in a backup location, as a listing shows it.</summary>
    public sealed class StoredObject
    {
        public StoredObject(string key, long size, DateTimeOffset lastModified, string? lockedBecause = null)
        {
            Key = key;
            Size = size;
            LastModified = lastModified;
            LockedBecause = lockedBecause;
        }

        /// <summary>The key under the store's root ('/'-separated).</summary>
        public string Key { get; }

        public long Size { get; }

        public DateTimeOffset LastModified { get; }

        /// <summary>Why the store will not delete it (an immutability policy, a legal hold), or null.</summary>
        public string? LockedBecause { get; }

        /// <summary>Why the service would refuse to delete an object now: a legal hold, or an immutability policy that has not expired.</summary>
        internal static string? LockReason(bool hasLegalHold, DateTimeOffset? immutableUntil, DateTimeOffset now)
        {
            if (hasLegalHold)
            {
                return "legal hold";
            }

            return immutableUntil is DateTimeOffset until && until > now
                ? $"immutable until {until.UtcDateTime:yyyy-MM-dd HH:mm} UTC"
                : null;
        }
    }
}
