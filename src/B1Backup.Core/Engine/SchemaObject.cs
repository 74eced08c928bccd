namespace B1Backup.Core.Engine
{
    /// <summary>A view, sequence, routine, trigger or event: its CREATE statement and the session it was made in.</summary>
    public sealed class SchemaObject
    {
        public SchemaObject(string kind, string name, string createStatement, string? sqlMode = null, string? characterSetClient = null, string? collationConnection = null)
        {
            Kind = kind;
            Name = name;
            CreateStatement = createStatement;
            SqlMode = sqlMode;
            CharacterSetClient = characterSetClient;
            CollationConnection = collationConnection;
        }

        /// <summary>VIEW, SEQUENCE, PROCEDURE, FUNCTION, PACKAGE, PACKAGE BODY, TRIGGER or EVENT.</summary>
        public string Kind { get; }

        public string Name { get; }

        public string CreateStatement { get; }

        public string? SqlMode { get; }

        public string? CharacterSetClient { get; }

        public string? CollationConnection { get; }

        /// <summary>For events: the session time zone their schedule was written in.</summary>
        public string? TimeZone { get; set; }

        /// <summary>A routine's, trigger's or event's "Database Collation": the database default it was created under.</summary>
        public string? DatabaseCollation { get; set; }

        /// <summary>For sequences: the value NEXTVAL returns next.</summary>
        public string? NextValue { get; set; }
    }
}
