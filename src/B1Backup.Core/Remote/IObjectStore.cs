using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace B1Backup.Core.Remote
{
    /// <summary>
    /// A backup location as the copy, listing and retention code sees it: keys under a root, read as
    /// streams, written so that nothing is visible under its final key until it is complete.
    /// </summary>
    public interface IObjectStore
    {
        /// <summary>A key as the user would write it (a URL without its token, or a local path): for output and messages.</summary>
        string Describe(string key);

        /// <summary>Every object whose key starts with <paramref name="prefix"/>, however many pages that takes.</summary>
        IEnumerable<StoredObject> List(string prefix, CancellationToken cancel);

        /// <summary>The object, or null when there is none.</summary>
        StoredObject? Find(string key, CancellationToken cancel);

        Stream OpenRead(string key, CancellationToken cancel);

        /// <summary>At most the first <paramref name="bytes"/> bytes of an object (a dump's header), without fetching the rest.</summary>
        Stream OpenReadStart(string key, long bytes, CancellationToken cancel);

        /// <summary>A small object's text, or null when there is none; one larger than <paramref name="maxBytes"/> is refused.</summary>
        string? ReadText(string key, long maxBytes, CancellationToken cancel);

        /// <summary>Writes a small object whole, replacing one of that key.</summary>
        void WriteText(string key, string text, CancellationToken cancel);

        /// <summary>Starts writing an object under <paramref name="key"/>, which must not exist when it is committed.</summary>
        IStagedUpload BeginUpload(string key, CancellationToken cancel);

        /// <summary>Deletes the object if it is there; a locked one throws <see cref="ObjectLockedException"/>.</summary>
        void Delete(string key, CancellationToken cancel);
    }
}
