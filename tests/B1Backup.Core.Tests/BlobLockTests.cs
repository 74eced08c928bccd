using System;
using B1Backup.Core.Remote;
using Xunit;

namespace B1Backup.Core.Tests
{
    /// <summary>
    /// How retention locks become LockedBecause, and which delete refusals count as a lock. Azurite has
    /// neither immutability policies nor legal holds, so these rules are tested here, without a service.
    /// </summary>
    [Trait("Category", "Unit")]
    public sealed class BlobLockTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 12, 5, 6, 0, 0, TimeSpan.Zero);

        [Fact]
        public void ALegalHoldLocksWhateverThePolicy()
        {
            Assert.Equal("legal hold", StoredObject.LockReason(true, null, Now));
            Assert.Equal("legal hold", StoredObject.LockReason(true, Now.AddDays(-1), Now));
        }

        [Fact]
        public void AnImmutabilityPolicyLocksUntilItExpires()
        {
            Assert.Equal("immutable until 2026-12-08 06:00 UTC", StoredObject.LockReason(false, Now.AddDays(3), Now));
            Assert.Null(StoredObject.LockReason(false, Now.AddMinutes(-1), Now));
            Assert.Null(StoredObject.LockReason(false, null, Now));
        }

        [Theory]
        [InlineData("BlobImmutableDueToPolicy", true)]
        [InlineData("BlobImmutableDueToLegalHold", true)]
        [InlineData("ImmutableStorageWithVersioningNotEnabled", false)]
        [InlineData("LeaseIdMissing", false)]
        [InlineData(null, false)]
        public void OnlyRefusalsOfALockedBlobCountAsLocks(string? errorCode, bool locked)
        {
            Assert.Equal(locked, BlobErrors.IsLock(errorCode));
        }
    }
}
