using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace B1Backup.Core.Tests
{
    /// <summary>
    /// A storage emulator from npm run by Node.js for one test class: its own data folder and free port.
    /// Kill and Restart take it away and bring it back on the same data, for the fault tests.
    /// </summary>
    public abstract class TestNodeServer : IDisposable
    {
        private readonly string name;
        private readonly string entry;
        private Process? process;

        protected TestNodeServer(string name, string entryVariable, string folderPrefix)
        {
            this.name = name;
            entry = Environment.GetEnvironmentVariable(entryVariable)
                ?? throw new InvalidOperationException($"{entryVariable} is not set. Run the tests with 'dotnet pwsh ./build.ps1 Test', which installs {name}.");
            DataFolder = Path.Combine(Path.GetTempPath(), folderPrefix + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(DataFolder);
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
        }

        public int Port { get; }

        public string DataFolder { get; }

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

            GC.SuppressFinalize(this);
        }

        /// <summary>Node's arguments after the server's script, which comes from the entry variable.</summary>
        protected abstract IEnumerable<string> Arguments(string port);

        /// <summary>Node's own options, before the script.</summary>
        protected virtual IEnumerable<string> NodeOptions() => Array.Empty<string>();

        protected void Start()
        {
            var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string option in NodeOptions())
            {
                start.ArgumentList.Add(option);
            }

            start.ArgumentList.Add(entry);
            foreach (string argument in Arguments(Port.ToString(System.Globalization.CultureInfo.InvariantCulture)))
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
                    throw new InvalidOperationException($"{name} exited at start with code {process.ExitCode}.");
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

            throw new InvalidOperationException($"{name} did not listen on port {Port} within 60 seconds.");
        }
    }
}
