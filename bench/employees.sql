-- An employees-like data set for bench/run.ps1 (the shape of the public "employees" sample: composite
-- primary keys, dates, short repetitive strings, foreign keys), generated in the server from MariaDB's
-- sequence tables. @EMPLOYEES@ is the number of employees; every other table follows from it
-- (about 13 rows per employee in all).
CREATE DATABASE emptest;
USE emptest;
CREATE TABLE departments (dept_no CHAR(4) NOT NULL PRIMARY KEY, dept_name VARCHAR(40) NOT NULL, UNIQUE KEY dept_name (dept_name)) ENGINE=InnoDB;
INSERT INTO departments SELECT CONCAT('d', LPAD(seq, 3, '0')), ELT(seq, 'Marketing', 'Finance', 'Human Resources', 'Production', 'Development', 'Quality Management', 'Sales', 'Research', 'Customer Service') FROM seq_1_to_9;
CREATE TABLE employees (emp_no INT NOT NULL PRIMARY KEY, birth_date DATE NOT NULL, first_name VARCHAR(14) NOT NULL, last_name VARCHAR(16) NOT NULL, gender ENUM('M', 'F') NOT NULL, hire_date DATE NOT NULL) ENGINE=InnoDB;
INSERT INTO employees SELECT 10000 + seq, '1952-02-01' + INTERVAL (seq * 7919) % 4700 DAY,
  ELT(1 + (seq * 31) % 20, 'Georgi', 'Bezalel', 'Parto', 'Chirstian', 'Kyoichi', 'Anneke', 'Tzvetan', 'Saniya', 'Sumant', 'Duangkaew', 'Mary', 'Patricio', 'Eberhardt', 'Berni', 'Guoxiang', 'Kazuhito', 'Cristinel', 'Kazuhide', 'Lillian', 'Mayuko'),
  ELT(1 + (seq * 17) % 20, 'Facello', 'Simmel', 'Bamford', 'Koblick', 'Maliniak', 'Preusig', 'Zielinski', 'Kalloufi', 'Peac', 'Piveteau', 'Sluis', 'Bridgland', 'Terkki', 'Genin', 'Nooteboom', 'Cappelletti', 'Bouloucos', 'Peha', 'Haddadi', 'Warwick'),
  IF(seq % 5 < 3, 'M', 'F'), '1985-01-01' + INTERVAL (seq * 104729) % 5000 DAY
  FROM seq_1_to_@EMPLOYEES@;
CREATE TABLE dept_emp (emp_no INT NOT NULL, dept_no CHAR(4) NOT NULL, from_date DATE NOT NULL, to_date DATE NOT NULL, PRIMARY KEY (emp_no, dept_no), KEY dept_no (dept_no),
  CONSTRAINT dept_emp_emp FOREIGN KEY (emp_no) REFERENCES employees (emp_no) ON DELETE CASCADE, CONSTRAINT dept_emp_dept FOREIGN KEY (dept_no) REFERENCES departments (dept_no) ON DELETE CASCADE) ENGINE=InnoDB;
INSERT INTO dept_emp SELECT e.emp_no, CONCAT('d', LPAD(1 + (e.emp_no + s.seq * 3) % 9, 3, '0')), e.hire_date + INTERVAL s.seq * 700 DAY,
  IF(s.seq = 0 AND e.emp_no % 10 = 0, e.hire_date + INTERVAL 700 DAY, '9999-01-01')
  FROM employees e JOIN seq_0_to_1 s ON s.seq = 0 OR e.emp_no % 10 = 0;
CREATE TABLE dept_manager (emp_no INT NOT NULL, dept_no CHAR(4) NOT NULL, from_date DATE NOT NULL, to_date DATE NOT NULL, PRIMARY KEY (emp_no, dept_no), KEY dept_no (dept_no),
  CONSTRAINT dept_manager_emp FOREIGN KEY (emp_no) REFERENCES employees (emp_no) ON DELETE CASCADE, CONSTRAINT dept_manager_dept FOREIGN KEY (dept_no) REFERENCES departments (dept_no) ON DELETE CASCADE) ENGINE=InnoDB;
INSERT INTO dept_manager SELECT 10001 + (seq * 9973) % @EMPLOYEES@, CONCAT('d', LPAD(1 + seq % 9, 3, '0')), '1985-01-01' + INTERVAL seq * 200 DAY, IF(seq > 9, '9999-01-01', '1985-01-01' + INTERVAL seq * 400 DAY) FROM seq_1_to_24;
CREATE TABLE titles (emp_no INT NOT NULL, title VARCHAR(50) NOT NULL, from_date DATE NOT NULL, to_date DATE, PRIMARY KEY (emp_no, title, from_date),
  CONSTRAINT titles_emp FOREIGN KEY (emp_no) REFERENCES employees (emp_no) ON DELETE CASCADE) ENGINE=InnoDB;
INSERT INTO titles SELECT e.emp_no, ELT(1 + (e.emp_no + s.seq) % 7, 'Engineer', 'Senior Engineer', 'Staff', 'Senior Staff', 'Assistant Engineer', 'Technique Leader', 'Manager'),
  e.hire_date + INTERVAL s.seq * 900 DAY, IF(s.seq = 0 AND e.emp_no % 2 = 0, e.hire_date + INTERVAL 900 DAY, '9999-01-01')
  FROM employees e JOIN seq_0_to_1 s ON s.seq = 0 OR e.emp_no % 2 = 0;
CREATE TABLE salaries (emp_no INT NOT NULL, salary INT NOT NULL, from_date DATE NOT NULL, to_date DATE NOT NULL, PRIMARY KEY (emp_no, from_date),
  CONSTRAINT salaries_emp FOREIGN KEY (emp_no) REFERENCES employees (emp_no) ON DELETE CASCADE) ENGINE=InnoDB;
INSERT INTO salaries SELECT e.emp_no, 40000 + (e.emp_no * 7 + s.seq * 1301) % 60000 + s.seq * 500, e.hire_date + INTERVAL s.seq YEAR,
  IF(s.seq = e.emp_no % 17, '9999-01-01', e.hire_date + INTERVAL s.seq + 1 YEAR)
  FROM employees e JOIN seq_0_to_16 s ON s.seq <= e.emp_no % 17;
