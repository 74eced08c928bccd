using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using B1Backup.Core.Store;

namespace B1Backup.Core.Schedule
{
    /// <summary>Which system scheduler a schedule is registered with.</summary>
    public enum SchedulePlatform
    {
        Cron,
        WindowsTask,
    }
}
