using System;
using System.Collections.Generic;
using B1Backup.Core.Restore;

namespace B1Backup.Core.Drill
{
    public sealed class DrillOptions
    {
        /// <summary>Endpoints polled after the restore, e.g. /healthz ({"ok":true}) and /readyz ({"ok":true,"db":"up"}).</summary>
        public IReadOnlyList<Uri> HealthUris { get; set; } = Array.Empty<Uri>();

        public TimeSpan HealthTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Keep the scratch database instead of dropping it.</summary>
        public bool Keep { get; set; }

        public TimeSpan RtoTarget { get; set; } = TimeSpan.FromMinutes(60);

        public TimeSpan RpoTarget { get; set; } = TimeSpan.FromHours(24);

        public byte[]? SigningKey { get; set; }

        public byte[]? EncryptionKey { get; set; }

        public int Connections { get; set; } = RestorePlan.DefaultConnections;

        /// <summary>What the drill's restore may do beyond the default (definers kept, trusted stored code), as Restore-B1Database takes it.</summary>
        public RestoreOptions Restore { get; set; } = new RestoreOptions();
    }
}
