using Xunit;

// The round-trip tests change server-wide settings (the global time zone) and time a backup
// against concurrent writers: they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
