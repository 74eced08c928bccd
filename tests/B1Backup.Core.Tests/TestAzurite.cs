using System;
using System.Collections.Generic;

namespace B1Backup.Core.Tests
{
    /// <summary>
    /// A private Azurite blob service for one test class (B1_TEST_AZURITE_ENTRY names its main.js; build.ps1
    /// Test installs it).
    /// </summary>
    public sealed class TestAzurite : TestNodeServer
    {
        public const string EntryVariable = "B1_TEST_AZURITE_ENTRY";
        public const string Account = "devstoreaccount1";

        // The emulator's published development key, not a secret.
        public const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

        public TestAzurite()
            : base("Azurite", EntryVariable, "b1azurite-")
        {
            Start();
        }

        /// <summary>The account's path-style endpoint, as a user of Azurite writes it.</summary>
        public string Endpoint => $"http://127.0.0.1:{Port}/{Account}";

        public string ConnectionString => $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};BlobEndpoint={Endpoint};";

        /// <summary>A location in a container of its own, so tests in one class do not see each other's backups.</summary>
        public string NewLocation(string prefix = "backups") => $"{Endpoint}/t{Guid.NewGuid():N}/{prefix}";

        protected override IEnumerable<string> Arguments(string port) =>
            new[] { "--blobHost", "127.0.0.1", "--blobPort", port, "--location", DataFolder, "--silent", "--skipApiVersionCheck", "--loose" };
    }
}
