using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace B1Backup.Core.Tests
{
    /// <summary>
    /// A private Azurite blob service for one test class (B1_TEST_AZURITE_ENTRY names its main.js; build.ps1
    /// Test installs it). Kill and Restart let a test take the service away mid-upload and bring it back on the same data.
    /// </summary>
    public sealed class TestAzurite : IDisposable
    {
        public const string EntryVariable = "B1_TEST_AZURITE_ENTRY";
        public const string Account = "devstoreaccount1";

        // The emulator's published development key, not a secret.
        public const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

        private readonly string entry;
        private Process? process;

        public TestAzurite()
        {
            entry = Environment.GetEnvironmentVariable(EntryVariable)
                ?? throw new InvalidOperationException($"{EntryVariable} is not set. Run the tests with 'dotnet pwsh ./build.ps1 Test', which installs Azurite.");
            DataFolder = Path.Combine(Path.GetTempPath(), "b1azurite-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(DataFolder);
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            Start();
        }

        public int Port { get; }

        public string DataFolder { get; }

        /// <summary>The account's path-style endpoint, as a user of Azurite writes it.</summary>
        public string Endpoint => $"http://127.0.0.1:{Port}/{Account}";

        public string ConnectionString => $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};BlobEndpoint={Endpoint};";

        /// <summary>A location in a container of its own, so tests in one class do not see each other's backups.</summary>
        public string NewLocation(string prefix = "backups") => $"{Endpoint}/t{Guid.NewGuid():N}/{prefix}";

        public void Kill()
        {
            if (process != null && !process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }

        public void Restart()
        {
            Kill();
            Start();
        }

        public void Dispose()
        {
            Kill();
            process?.Dispose();
            try
            {
                Directory.Delete(DataFolder, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private void Start()
        {
            var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in new[] { entry, "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", DataFolder, "--silent", "--skipApiVersionCheck", "--loose" })
            {
                start.ArgumentList.Add(argument);
            }

            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
            process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited at start with code {process.ExitCode}.");
                }

                try
                {
                    using var client = new TcpClient();
                    client.Connect(IPAddress.Loopback, Port);
                    return;
                }
                catch (SocketException)
                {
                    Thread.Sleep(200);
                }
            }

            throw new InvalidOperationException($"Azurite did not listen on port {Port} within 60 seconds.");
        }
    }
}
