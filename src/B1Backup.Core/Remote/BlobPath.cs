using System;
using System.Linq;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// A place in Azure Blob Storage: an account's endpoint, a container and a key (a backup root, an
    /// environment folder or one blob). Written as <c>az://account/container/key</c>, as the account's
    /// URL <c>https://account.blob.core.windows.net/container/key</c>, or path-style
    /// <c>http(s)://host:port/account/container/key</c> (Azurite, Azure Stack). A SAS token in the query
    /// is kept apart, so <see cref="Display"/> never carries it.
    /// </summary>
    public sealed class BlobPath
    {
        private static readonly string[] AccountHostSuffixes =
        {
            ".blob.core.windows.net", ".blob.core.chinacloudapi.cn", ".blob.core.usgovcloudapi.net",
        };

        private static readonly char[] Slash = { '/' };

        private BlobPath(Uri accountEndpoint, string account, string container, string key, string? sas, bool accountFromShortForm)
        {
            AccountEndpoint = accountEndpoint;
            Account = account;
            Container = container;
            Key = key;
            Sas = sas;
            IsShortForm = accountFromShortForm;
        }

        /// <summary>The account's blob endpoint, ending in '/' (path-style: including the account segment).</summary>
        public Uri AccountEndpoint { get; }

        public string Account { get; }

        public string Container { get; }

        /// <summary>The blob key or key prefix under the container, without leading or trailing '/'; empty for the container itself.</summary>
        public string Key { get; }

        /// <summary>The SAS token from the URL's query, without '?'; never shown.</summary>
        internal string? Sas { get; }

        /// <summary>Written as az://: the endpoint is the public cloud's unless a connection string names another.</summary>
        public bool IsShortForm { get; }

        public Uri ContainerUri => new Uri(AccountEndpoint, Uri.EscapeDataString(Container));

        /// <summary>The location as a user wrote it, minus any SAS token: safe to show and to log.</summary>
        public string Display => IsShortForm
            ? "az://" + Account + "/" + Container + (Key.Length > 0 ? "/" + Key : string.Empty)
            : ContainerUri.AbsoluteUri + (Key.Length > 0 ? "/" + Key : string.Empty);

        /// <summary>The last segment of the key: a blob's file name.</summary>
        public string Name => Key.Substring(Key.LastIndexOf('/') + 1);

        /// <summary>True for the forms this class reads (az://, http://, https://), whether or not they are valid.</summary>
        public static bool LooksLikeBlobPath(string path) =>
            path.StartsWith("az://", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

        public static BlobPath Parse(string path)
        {
            if (path.StartsWith("az://", StringComparison.OrdinalIgnoreCase))
            {
                var segments = Split(path.Substring("az://".Length), out string? sas);
                RequireAccountAndContainer(path, segments, "az://<account>/<container>/<prefix>");
                RequireAccountName(path, segments[0]);
                var endpoint = new Uri("https://" + segments[0].ToLowerInvariant() + ".blob.core.windows.net/");
                return new BlobPath(endpoint, segments[0].ToLowerInvariant(), segments[1], KeyOf(segments, 2), sas, accountFromShortForm: true);
            }

            if (!Uri.TryCreate(path, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Host.Length == 0)
            {
                throw Invalid(path, "It is neither az://<account>/<container>/<prefix> nor an http(s) URL of a container.");
            }

            var parts = Split(uri.AbsolutePath, out _);
            string? token = uri.Query.Length > 1 ? uri.Query.Substring(1) : null;
            string host = uri.Host.ToLowerInvariant();
            string? suffix = AccountHostSuffixes.FirstOrDefault(s => host.EndsWith(s, StringComparison.Ordinal));
            if (suffix != null)
            {
                RequireAccountAndContainer(path, parts.Prepend("account").ToArray(), "https://<account>.blob.core.windows.net/<container>/<prefix>");
                return new BlobPath(new Uri(uri.GetLeftPart(UriPartial.Authority) + "/"), host.Substring(0, host.Length - suffix.Length), parts[0], KeyOf(parts, 1), token, accountFromShortForm: false);
            }

            // Any other host is path-style: the account is the first segment (Azurite, Azure Stack, a private endpoint by IP).
            RequireAccountAndContainer(path, parts, "http(s)://<host>:<port>/<account>/<container>/<prefix>");
            RequireAccountName(path, parts[0]);
            var accountEndpoint = new Uri(uri.GetLeftPart(UriPartial.Authority) + "/" + parts[0] + "/");
            return new BlobPath(accountEndpoint, parts[0], parts[1], KeyOf(parts, 2), token, accountFromShortForm: false);
        }

        /// <summary>The same container with another key.</summary>
        public BlobPath WithKey(string key) => new BlobPath(AccountEndpoint, Account, Container, key.Trim('/'), Sas, IsShortForm);

        /// <summary>A key under this one.</summary>
        public BlobPath Combine(params string[] segments) =>
            WithKey(string.Join("/", new[] { Key }.Concat(segments).Where(s => s.Length > 0)));

        /// <summary>The key one level up (an environment folder's root, a blob's folder).</summary>
        public BlobPath Parent() => WithKey(Key.Contains('/') ? Key.Substring(0, Key.LastIndexOf('/')) : string.Empty);

        /// <summary>The same place at another endpoint (az:// resolved through a connection string's BlobEndpoint).</summary>
        internal BlobPath AtEndpoint(Uri accountEndpoint) => new BlobPath(accountEndpoint, Account, Container, Key, Sas, IsShortForm);

        public override string ToString() => Display;

        private static string[] Split(string rest, out string? sas)
        {
            sas = null;
            int query = rest.IndexOf('?');
            if (query >= 0)
            {
                sas = rest.Length > query + 1 ? rest.Substring(query + 1) : null;
                rest = rest.Substring(0, query);
            }

            return rest.Split(Slash, StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        }

        private static string KeyOf(string[] segments, int from) => string.Join("/", segments.Skip(from));

        private static void RequireAccountAndContainer(string path, string[] segments, string form)
        {
            if (segments.Length < 2)
            {
                throw Invalid(path, $"It needs an account and a container: {form}.");
            }

            string container = segments[1];
            bool validContainer = container == "$root" || (container.Length >= 3 && container.Length <= 63
                && container.All(c => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
                && container[0] != '-' && !container.Contains("--") && container[container.Length - 1] != '-');
            if (!validContainer)
            {
                throw Invalid(path, $"'{container}' is not a valid container name (3 to 63 lower-case letters, digits and single hyphens).");
            }

            if (segments.Skip(2).Any(s => s == "." || s == ".."))
            {
                throw Invalid(path, "A blob path cannot contain '.' or '..' segments.");
            }
        }

        private static void RequireAccountName(string path, string account)
        {
            if (account.Length < 3 || account.Length > 24 || !account.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            {
                throw Invalid(path, $"'{account}' is not a storage account name (3 to 24 letters and digits).");
            }
        }

        private static B1BackupException Invalid(string path, string why)
        {
            // The path may carry a SAS token: only its part before '?' is repeated.
            int query = path.IndexOf('?');
            string shown = query >= 0 ? path.Substring(0, query) + "?<token hidden>" : path;
            return new B1BackupException("InvalidStoragePath", FailureKind.InvalidArgument, $"'{shown}' is not a blob storage location. {why}");
        }
    }
}
