using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace B1Backup.Core.Tests
{
    /// <summary>
    /// A database holding every case of docs/ROUNDTRIP.md that MariaDB 10.11 supports, as statements run
    /// one by one (so no DELIMITER is needed here). The numbers refer to docs/ROUNDTRIP.md.
    /// </summary>
    internal static class RoundTripSchema
    {
        private static string AllBytesHex => string.Concat(Enumerable.Range(0, 256).Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));

        public static IEnumerable<string> Statements()
        {
            yield return "SET SESSION sql_mode = '', SESSION time_zone = '+00:00'";

            // 1. Every byte in BINARY (with trailing 0x00), VARBINARY, BLOB; empty vs NULL.
            yield return "CREATE TABLE bytes (id INT PRIMARY KEY, b BINARY(4), vb VARBINARY(300), bl BLOB, lb LONGBLOB, e VARBINARY(10))";
            yield return $"INSERT INTO bytes VALUES (1, 0x41000000, 0x{AllBytesHex}, 0x{AllBytesHex}, REPEAT(0x{AllBytesHex}, 100), ''), (2, 0x00000000, '', '', NULL, NULL), (3, NULL, NULL, NULL, '', 0x00)";

            // 2. and 12. Strings with every character that needs escaping; 'NULL' the string vs NULL.
            yield return "CREATE TABLE strings (id INT PRIMARY KEY, s VARCHAR(200), t TEXT, c CHAR(10))";
            yield return "INSERT INTO strings VALUES " +
                "(1, 'back\\\\slash', 'it''s', '\"dq\"'), " +
                "(2, CONCAT('nul', CHAR(0), 'byte'), CONCAT('ctrl', CHAR(26), 'z'), 'cr\\r\\nlf'), " +
                "(3, 'tab\\there', '*/ -- ; # /* DELIMITER $$', 'x;y'), " +
                "(4, '\\nDELIMITER ;;\\n', 'end\\\\', ''), " +
                "(5, 'NULL', NULL, 'NULL'), (6, '', '', NULL), (7, '  trailing  ', 'semi;colon;', 'pad  ')";

            // 3. 4-byte UTF-8, CJK, combining marks; latin1 beside utf8mb4; ENUM/SET with quotes and backslashes.
            yield return "CREATE TABLE unicode (id INT PRIMARY KEY, u VARCHAR(100) CHARACTER SET utf8mb4, l VARCHAR(100) CHARACTER SET latin1, " +
                "e ENUM('a''b', 'c\\\\d', 'plain'), st SET('x''y', 'z\\\\w', 'q')) DEFAULT CHARSET = utf8mb4";
            yield return "INSERT INTO unicode VALUES (1, '😀 emoji 🏳️‍🌈', 'café ÿ £', 'a''b', 'x''y,z\\\\w'), " +
                "(2, '漢字かな한국어', 'naïve', 'c\\\\d', 'q'), (3, 'e\u0301 combining a\u0308', NULL, 'plain', ''), (4, NULL, '', NULL, NULL)";

            // ENUM's error value (index 0, read as '') beside a real '' member: both must come back as themselves.
            yield return "CREATE TABLE enums (id INT PRIMARY KEY, e ENUM('a', '', 'b') NULL, n ENUM('x', 'y') NOT NULL)";
            yield return "INSERT INTO enums VALUES (1, 'a', 'x'), (2, '', 'y'), (3, NULL, 'x')";
            yield return "INSERT IGNORE INTO enums VALUES (4, 'not a member', 'not one either')";

            // 4. and 12. JSON with non-ASCII text, escaped quotes and null.
            yield return "CREATE TABLE js (id INT PRIMARY KEY, j JSON)";
            yield return "INSERT INTO js VALUES (1, '{\"k\": \"ünï \\\\\"quoted\\\\\"\", \"n\": null, \"a\": [1, 2.5, \"😀\"]}'), (2, 'null'), (3, NULL), (4, '\"NULL\"')";

            // 5. BIT(1) and BIT(64) all ones.
            yield return "CREATE TABLE bits (id INT PRIMARY KEY, b1 BIT(1), b64 BIT(64))";
            yield return "INSERT INTO bits VALUES (1, b'1', 0xFFFFFFFFFFFFFFFF), (2, b'0', 0), (3, NULL, NULL), (4, 1, 1)";

            // 6. GEOMETRY: points, a polygon with a hole, an SRID; a SPATIAL index.
            yield return "CREATE TABLE geo (id INT PRIMARY KEY, g GEOMETRY NOT NULL, p POINT NULL, SPATIAL INDEX (g))";
            yield return "INSERT INTO geo VALUES (1, ST_GeomFromText('POINT(1 2)'), ST_GeomFromText('POINT(-71.06 42.36)', 4326)), " +
                "(2, ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,2 4,4 4,4 2,2 2))'), NULL)";

            // 7. FLOAT and DOUBLE extremes: max, min normal, denormal, -0, 9 and 17 significant digits.
            yield return "CREATE TABLE floats (id INT PRIMARY KEY, f FLOAT, d DOUBLE)";
            yield return "INSERT INTO floats VALUES (1, 3.4028234663852886e38, 1.7976931348623157e308), " +
                "(2, 1.1754943508222875e-38, 2.2250738585072014e-308), (3, 1.401298464324817e-45, 4.9406564584124654e-324), " +
                "(4, -0E0, -0E0), (5, 1.00000012, 0.30000000000000004), (6, 0.1, 0.1), (7, -3.4028234663852886e38, -1.7976931348623157e308), " +
                "(8, 16777217, 9007199254740993), (9, NULL, NULL), (10, 123456.789, 1.2345678901234567e-100)";

            // 8. DECIMAL(65,30) at both ends; negative zero.
            yield return "CREATE TABLE decimals (id INT PRIMARY KEY, d DECIMAL(65,30), z DECIMAL(5,2))";
            yield return "INSERT INTO decimals VALUES (1, 99999999999999999999999999999999999.999999999999999999999999999999, -0.00), " +
                "(2, -99999999999999999999999999999999999.999999999999999999999999999999, 0.01), (3, 0.000000000000000000000000000001, NULL)";

            // 9. TINYINT(1) holding 2 and -1; BIGINT UNSIGNED max; BIGINT min.
            yield return "CREATE TABLE ints (id INT PRIMARY KEY, t TINYINT(1), u BIGINT UNSIGNED, s BIGINT, m MEDIUMINT UNSIGNED, y TINYINT UNSIGNED)";
            yield return "INSERT INTO ints VALUES (1, 2, 18446744073709551615, -9223372036854775808, 16777215, 255), (2, -1, 0, 9223372036854775807, 0, 0), (3, 0, NULL, NULL, NULL, NULL), (0, 1, 1, 1, 1, 1)";

            // Both ends of every integer read as an Int32 (the driver's GetInt32), and INT UNSIGNED, which is not.
            yield return "CREATE TABLE int32s (id INT PRIMARY KEY, i INT, mi MEDIUMINT, si SMALLINT, ti TINYINT, iu INT UNSIGNED, mu MEDIUMINT UNSIGNED, su SMALLINT UNSIGNED)";
            yield return "INSERT INTO int32s VALUES (1, -2147483648, -8388608, -32768, -128, 4294967295, 16777215, 65535), (2, 2147483647, 8388607, 32767, 127, 0, 0, 0), (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL)";

            // 10. YEAR; zero dates; dates before year 1000; TIME at both ends; fractional seconds 0-6 digits.
            yield return "CREATE TABLE temporal (id INT PRIMARY KEY, y YEAR, d DATE, dt DATETIME, t TIME, t6 TIME(6), dt1 DATETIME(1), dt3 DATETIME(3), dt6 DATETIME(6))";
            yield return "INSERT INTO temporal VALUES (1, 0, '0000-00-00', '0000-00-00 00:00:00', '-838:59:59', '-838:59:59.000000', '2020-01-01 00:00:00.1', '2020-01-01 00:00:00.123', '2020-01-01 00:00:00.123456'), " +
                "(2, 1901, '1000-01-01', '1000-01-01 00:00:00', '838:59:59', '838:59:58.999999', '9999-12-31 23:59:59.9', '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.999999'), " +
                "(3, 2155, '2024-02-29', '2024-02-29 12:34:56', '00:00:00', '-00:00:00.000001', NULL, NULL, NULL), (4, NULL, '2024-00-00', NULL, NULL, NULL, NULL, NULL, '2024-01-01 00:00:00.000001'), " +
                "(5, 2000, '0999-12-31', '0100-06-15 08:09:10', NULL, NULL, NULL, NULL, NULL), (6, NULL, '0001-01-01', '9999-12-31 23:59:59', NULL, NULL, NULL, NULL, NULL)";

            // Beyond docs/ROUNDTRIP.md: days no calendar has, stored under ALLOW_INVALID_DATES by an application that runs in it.
            yield return "SET SESSION sql_mode = 'ALLOW_INVALID_DATES'";
            yield return "CREATE TABLE invalid_dates (id INT PRIMARY KEY, d DATE, dt DATETIME, dt3 DATETIME(3) NULL DEFAULT '2023-02-30 00:00:00.000')";
            yield return "INSERT INTO invalid_dates (id, d, dt) VALUES (1, '2023-02-30', '2023-04-31 10:00:00'), (2, '2024-02-29', '1900-02-29 23:59:59'), (3, '2023-06-31', NULL)";
            yield return "SET SESSION sql_mode = ''";

            // 11. TIMESTAMP across daylight-saving changes (written in UTC so each instant is exact).
            yield return "CREATE TABLE stamps (id INT PRIMARY KEY, ts TIMESTAMP(6) NULL DEFAULT NULL, ts0 TIMESTAMP NULL DEFAULT NULL)";
            yield return "INSERT INTO stamps VALUES (1, '2021-03-28 00:59:59.999999', '2021-03-28 01:00:00'), (2, '2021-10-31 00:30:00', '2021-10-31 01:30:00'), " +
                "(3, '1970-01-01 00:00:01', '2038-01-19 03:14:07'), (4, NULL, NULL)";

            // 13. A row bigger than half of max_allowed_packet (9 MB of binary, 18 MB as hex), and a large text.
            yield return "CREATE TABLE big (id INT PRIMARY KEY, b LONGBLOB, t LONGTEXT)";
            yield return "INSERT INTO big VALUES (1, REPEAT(0x00FF27, 3 * 1024 * 1024), REPEAT('😀''\\\\é', 400 * 1024)), (2, 0x01, 'small')";

            // 14. Many rows; no primary key with duplicate rows; composite and string primary keys.
            yield return "CREATE TABLE many (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(40))";
            yield return "INSERT INTO many (v) SELECT MD5(seq) FROM seq_1_to_30000";
            yield return "ANALYZE TABLE many";
            yield return "CREATE TABLE nopk (a INT, b VARCHAR(10))";
            yield return "INSERT INTO nopk VALUES (1, 'x'), (1, 'x'), (2, NULL), (2, NULL), (NULL, NULL)";
            yield return "CREATE TABLE composite (a INT, b VARCHAR(20), v INT, PRIMARY KEY (a, b))";
            yield return "INSERT INTO composite VALUES (1, 'a', 1), (1, 'b', 2), (2, 'a', 3)";
            yield return "CREATE TABLE strkey (k VARCHAR(50) PRIMARY KEY, v INT)";
            yield return "INSERT INTO strkey VALUES ('alpha', 1), ('Beta', 2), ('gämma', 3), ('', 4)";

            // 15. Generated columns (VIRTUAL, STORED), an INVISIBLE column, ON UPDATE CURRENT_TIMESTAMP.
            yield return "CREATE TABLE gen (id INT PRIMARY KEY, a INT, v INT AS (a * 2) VIRTUAL, s INT AS (a + 1) STORED, inv INT INVISIBLE DEFAULT 7, " +
                "ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, KEY (v))";
            yield return "INSERT INTO gen (id, a, inv, ts) VALUES (1, 10, 99, '2020-05-05 05:05:05'), (2, NULL, NULL, '2001-01-01 00:00:00')";

            // 16. An empty table whose AUTO_INCREMENT is far above 1.
            yield return "CREATE TABLE emptyai (id INT PRIMARY KEY AUTO_INCREMENT, v INT) AUTO_INCREMENT = 1000000";

            // 17. Foreign keys in a cycle and a self-reference.
            yield return "SET SESSION foreign_key_checks = 0";
            yield return "CREATE TABLE fk_a (id INT PRIMARY KEY, b_id INT, FOREIGN KEY (b_id) REFERENCES fk_b (id))";
            yield return "CREATE TABLE fk_b (id INT PRIMARY KEY, a_id INT, FOREIGN KEY (a_id) REFERENCES fk_a (id))";
            yield return "CREATE TABLE tree (id INT PRIMARY KEY, parent INT, FOREIGN KEY (parent) REFERENCES tree (id))";
            yield return "INSERT INTO fk_a VALUES (1, 1), (2, 2)";
            yield return "INSERT INTO fk_b VALUES (1, 2), (2, 1)";
            yield return "INSERT INTO tree VALUES (3, 1), (1, NULL), (2, 1)";
            yield return "SET SESSION foreign_key_checks = 1";

            // 18. Identifiers that are reserved words or hold backticks, dots, spaces, non-ASCII letters.
            yield return "CREATE TABLE `select` (`from` INT PRIMARY KEY, `where` VARCHAR(10))";
            yield return "INSERT INTO `select` VALUES (1, 'x')";
            yield return "CREATE TABLE `we``ird.na me` (`col``tick` INT, `sp ace` INT, `naïve` VARCHAR(5))";
            yield return "INSERT INTO `we``ird.na me` VALUES (1, 2, 'é')";
            yield return "CREATE TABLE `ünïcödé` (`ключ` INT PRIMARY KEY)";
            yield return "INSERT INTO `ünïcödé` VALUES (42)";

            // 19. A partitioned table; a FULLTEXT index; comments with quotes.
            yield return "CREATE TABLE parts (id INT NOT NULL, y INT NOT NULL, PRIMARY KEY (id, y)) PARTITION BY RANGE (y) (PARTITION p0 VALUES LESS THAN (2000), PARTITION p1 VALUES LESS THAN MAXVALUE)";
            yield return "INSERT INTO parts VALUES (1, 1999), (2, 2024)";
            yield return "CREATE TABLE docs (id INT PRIMARY KEY, body TEXT COMMENT 'the \"body\", it''s text', FULLTEXT KEY ft (body)) COMMENT = 'table''s \"comment\"'";
            yield return "INSERT INTO docs VALUES (1, 'full text search')";

            // 20. Views on views (the dependent one sorts first by name); SQL SECURITY INVOKER; a DEFINER that does not exist.
            yield return "CREATE VIEW z_base AS SELECT id, s FROM strings WHERE id < 5";
            yield return "CREATE VIEW a_on_view AS SELECT id FROM z_base";
            yield return "CREATE SQL SECURITY INVOKER VIEW invoker_view AS SELECT COUNT(*) AS n FROM many";
            yield return "CREATE DEFINER = 'ghost'@'%' VIEW ghost_view AS SELECT 1 AS one";

            // 21. Triggers, procedures and functions whose bodies hold ';', comments and '$$'.
            yield return "CREATE PROCEDURE p_body() BEGIN\n  /* a comment; with a semicolon */\n  SELECT 'x;y$$z' AS v; -- and a line comment; here\n  SELECT 2;\nEND";
            yield return "CREATE FUNCTION f_add(a INT) RETURNS INT DETERMINISTIC\nBEGIN\n  # hash comment $$\n  RETURN a + 1;\nEND";
            yield return "CREATE TRIGGER trg_strings BEFORE INSERT ON strings FOR EACH ROW BEGIN\n  SET NEW.t = CONCAT(IFNULL(NEW.t, ''), ';');\nEND";
            yield return "CREATE TRIGGER trg_strings_second BEFORE INSERT ON strings FOR EACH ROW FOLLOWS trg_strings SET @b1_last = NEW.id";

            // 22. Events, a disabled one stays disabled.
            yield return "CREATE EVENT ev_enabled ON SCHEDULE EVERY 1 DAY STARTS '2035-01-01 00:00:00' DO DELETE FROM nopk WHERE 1 = 0";
            yield return "CREATE EVENT ev_disabled ON SCHEDULE EVERY 1 HOUR STARTS '2035-01-01 00:00:00' DISABLE COMMENT 'stays off' DO DELETE FROM nopk WHERE 1 = 0";

            // 23. A sequence whose next value survives.
            yield return "CREATE SEQUENCE seq_orders START WITH 100 INCREMENT BY 5 NOCACHE";
            yield return "SELECT NEXTVAL(seq_orders), NEXTVAL(seq_orders), NEXTVAL(seq_orders)";
            // A default that draws from it: SHOW CREATE TABLE names the sequence with its database, and a restore
            // under another name must point it at the restored sequence, not the source's.
            yield return "CREATE TABLE seq_default (id INT PRIMARY KEY DEFAULT NEXTVAL(seq_orders), v INT)";
            yield return "INSERT INTO seq_default (v) VALUES (1), (2)";
        }
    }
}
