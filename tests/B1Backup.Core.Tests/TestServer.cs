using System;
using B1Backup.Core.Connection;
using MySqlConnector;

namespace B1Backup.Core.Tests
{
    /// <summary>
    /// The server the tests run against: B1_TEST_DATABASE_URL, set by build.ps1 Test (a private
    /// MariaDB) or by hand (any MySQL-compatible server). Without it the server tests fail loudly.
    /// </summary>
    internal static class TestServer
    {
        public const string UrlVariable = "B1_TEST_DATABASE_URL";

        public static string Url =>
            Environment.GetEnvironmentVariable(UrlVariable)
            ?? throw new InvalidOperationException($"{UrlVariable} is not set. Run the tests with 'dotnet pwsh ./build.ps1 Test', which starts a private MariaDB, or set it to a server's URL.");

        public static ConnectionSettings Settings => ConnectionParser.Resolve(new ConnectionRequest { ConnectionString = Url });

        /// <summary>The test user's password, decoded from the URL, for tests that search output for it.</summary>
        public static string Password
        {
            get
            {
                string url = Url;
                string userInfo = url.Substring(url.IndexOf("://", StringComparison.Ordinal) + 3);
                userInfo = userInfo.Substring(0, userInfo.LastIndexOf('@'));
                return Uri.UnescapeDataString(userInfo.Substring(userInfo.IndexOf(':') + 1));
            }
        }

        public static MySqlConnection Open(string? database = null) =>
            DatabaseConnector.Open(database == null ? Settings : Settings.WithDatabase(database));

        /// <summary>A fresh, empty database with a unique name; drop it with <see cref="DropDatabase"/>.</summary>
        public static string CreateDatabase(string prefix)
        {
            string name = prefix + "_" + Guid.NewGuid().ToString("N").Substring(0, 8);
            Execute($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4");
            return name;
        }

        public static void DropDatabase(string name) => Execute($"DROP DATABASE IF EXISTS `{name}`");

        public static void Execute(string sql, string? database = null)
        {
            using var connection = Open(database);
            using var command = new MySqlCommand(sql, connection);
            command.ExecuteNonQuery();
        }

        public static object? Scalar(string sql, string? database = null)
        {
            using var connection = Open(database);
            using var command = new MySqlCommand(sql, connection);
            return command.ExecuteScalar();
        }
    }
}
