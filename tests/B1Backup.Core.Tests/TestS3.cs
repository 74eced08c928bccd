using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using B1Backup.Core.Remote;

namespace B1Backup.Core.Tests
{
    /// <summary>
    /// A private S3-compatible server (s3rver) for one test class, with one bucket (B1_TEST_S3RVER_ENTRY names
    /// its script; build.ps1 Test installs it). Kill and Restart take it away and bring it back on the same data.
    /// </summary>
    public sealed class TestS3 : IDisposable
    {
        public const string EntryVariable = "B1_TEST_S3RVER_ENTRY";
        public const string Bucket = "b1backup-test";

        // s3rver's fixed development key pair, not a secret.
        public const string Key = "S3RVER";

        private readonly string entry;
        private Process? process;

        public TestS3()
        {
            entry = Environment.GetEnvironmentVariable(EntryVariable)
                ?? throw new InvalidOperationException($"{EntryVariable} is not set. Run the tests with 'dotnet pwsh ./build.ps1 Test', which installs s3rver.");
            DataFolder = Path.Combine(Path.GetTempPath(), "b1s3-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(DataFolder);
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            Start();
        }

        public int Port { get; }

        public string DataFolder { get; }

        public string Endpoint => $"http://127.0.0.1:{Port}";

        public StoreAccess Access => new StoreAccess { S3 = new S3Credentials { Endpoint = Endpoint, AccessKey = Key, SecretKey = Key } };

        public static string NewLocation() => $"s3://{Bucket}/t{Guid.NewGuid():N}/backups";

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
            // s3rver's continuation tokens use a cipher OpenSSL 3 keeps in its legacy provider.
            foreach (string argument in new[] { "--openssl-legacy-provider", entry, "--directory", DataFolder, "--address", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent", "--no-vhost-buckets", "--configure-bucket", Bucket })
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
                    throw new InvalidOperationException($"s3rver exited at start with code {process.ExitCode}.");
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

            throw new InvalidOperationException($"s3rver did not listen on port {Port} within 60 seconds.");
        }
    }
}
