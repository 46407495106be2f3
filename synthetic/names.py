"""Small name lists reflecting London's diversity, with nickname / variant maps.

Names are drawn by an origin group linked to ethnicity (with mixing), so that the
linkage step sees realistic frequency skews (many Mohammeds, Smiths and Patels).
"""

from __future__ import annotations

import numpy as np

FORENAMES_M: dict[str, tuple[str, ...]] = {
    "anglo": ("Oliver", "Jack", "Harry", "George", "Charlie", "Thomas", "James", "William",
              "Daniel", "Joshua", "Samuel", "Alexander", "Joseph", "Benjamin", "Jacob", "Ethan",
              "Lewis", "Matthew", "Christopher", "Michael", "Nathan", "Ryan", "Liam", "Connor",
              "Callum", "Kyle", "Jayden", "Tyler", "Alfie", "Freddie", "Archie", "Leo"),
    "south_asian": ("Mohammed", "Muhammad", "Arjun", "Aryan", "Rohan", "Ayaan", "Ibrahim",
                    "Zain", "Harjot", "Jaspreet", "Krish", "Dev", "Rahul", "Vikram", "Hamza",
                    "Yusuf", "Aarav", "Ishaan", "Sai", "Kabir"),
    "african": ("David", "Samuel", "Daniel", "Emmanuel", "Joshua", "Michael", "Tobi", "Chidi",
                "Kwame", "Kofi", "Tunde", "Olumide", "Abdi", "Mohamed", "Ahmed", "Yonas"),
    "caribbean": ("Jermaine", "Tyrone", "Marcus", "Andre", "Kai", "Jamal", "Dwayne", "Reuben",
                  "Malachi", "Isaiah", "Elijah", "Josiah"),
    "european": ("Jakub", "Kacper", "Filip", "Mateusz", "Luca", "Matteo", "Andrei", "Alexandru",
                 "Ivan", "Marko", "Lukas", "Tomasz"),
    "arabic": ("Omar", "Ali", "Hassan", "Hussein", "Khalid", "Youssef", "Karim", "Adam",
               "Bilal", "Mustafa", "Amir"),
}
FORENAMES_F: dict[str, tuple[str, ...]] = {
    "anglo": ("Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Lily", "Chloe",
              "Jessica", "Ella", "Charlotte", "Mia", "Evie", "Ruby", "Poppy", "Hannah", "Megan",
              "Lauren", "Rebecca", "Katherine", "Elizabeth", "Abigail", "Jasmine", "Leah",
              "Freya", "Daisy", "Millie"),
    "south_asian": ("Aisha", "Fatima", "Zara", "Priya", "Ananya", "Simran", "Harleen",
                    "Jasleen", "Aaliyah", "Maryam", "Khadija", "Riya", "Diya", "Sana", "Anika",
                    "Nisha", "Mehreen"),
    "african": ("Grace", "Blessing", "Precious", "Esther", "Favour", "Chioma", "Adaeze",
                "Amina", "Hodan", "Fartun", "Ayan", "Nia", "Abena", "Folake"),
    "caribbean": ("Shanice", "Tia", "Jade", "Kiara", "Destiny", "Chantelle", "Aaliyah",
                  "Imani", "Naomi", "Keisha"),
    "european": ("Zuzanna", "Julia", "Maja", "Natalia", "Giulia", "Sofia", "Elena", "Ioana",
                 "Ana", "Katarzyna", "Lena"),
    "arabic": ("Maryam", "Layla", "Noor", "Yasmin", "Hana", "Salma", "Amira", "Rania", "Lina",
               "Huda"),
}
SURNAMES: dict[str, tuple[str, ...]] = {
    "anglo": ("Smith", "Jones", "Williams", "Brown", "Taylor", "Davies", "Evans", "Wilson",
              "Thomas", "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White",
              "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patterson",
              "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore",
              "Clark", "Murphy", "O'Brien", "O'Connor", "Kelly", "McDonald", "Byrne"),
    "south_asian": ("Patel", "Shah", "Khan", "Singh", "Kaur", "Ahmed", "Hussain", "Ali", "Begum",
                    "Sharma", "Gupta", "Kumar", "Chaudhry", "Iqbal", "Rahman", "Mistry", "Desai",
                    "Malik", "Sandhu", "Gill", "Bhatti", "Choudhury"),
    "african": ("Okafor", "Adeyemi", "Mensah", "Osei", "Okonkwo", "Adebayo", "Mohamed",
                "Abdi", "Hassan", "Ali", "Ogunleye", "Boateng", "Asante", "Nwosu", "Eze",
                "Tesfaye"),
    "caribbean": ("Campbell", "Williams", "Brown", "Francis", "Grant", "Reid", "Henry",
                  "Thompson", "Morgan", "Clarke", "Bailey", "Richards", "Douglas"),
    "european": ("Nowak", "Kowalski", "Wisniewski", "Popescu", "Ionescu", "Rossi", "Russo",
                 "Silva", "Santos", "Ferreira", "Horvat", "Petrov", "Kovac"),
    "arabic": ("Al-Sayed", "Haddad", "Abdullah", "Mansour", "Nasser", "Saleh", "Ibrahim",
               "Youssef", "Aziz", "Rashid"),
}
ORIGINS: tuple[str, ...] = ("anglo", "south_asian", "african", "caribbean", "european", "arabic")

# name-origin probabilities by ethnic group (rows sum to 1)
ORIGIN_BY_ETHNIC_GROUP: dict[str, tuple[float, ...]] = {
    "white": (0.80, 0.0, 0.0, 0.0, 0.20, 0.0),
    "mixed": (0.70, 0.05, 0.08, 0.15, 0.02, 0.0),
    "asian": (0.03, 0.95, 0.0, 0.0, 0.0, 0.02),
    "black": (0.10, 0.0, 0.60, 0.30, 0.0, 0.0),
    "other": (0.10, 0.10, 0.05, 0.0, 0.15, 0.60),
    "unknown": (0.5, 0.2, 0.1, 0.1, 0.05, 0.05),
}

# formal name -> informal variants (used as recorded forenames)
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Oliver": ("Ollie", "Olly"), "Thomas": ("Tom", "Tommy"), "James": ("Jim", "Jamie"),
    "William": ("Will", "Billy", "Liam"), "Daniel": ("Dan", "Danny"), "Joshua": ("Josh",),
    "Samuel": ("Sam", "Sammy"), "Alexander": ("Alex", "Alfie"), "Joseph": ("Joe", "Joey"),
    "Benjamin": ("Ben", "Benny"), "Jacob": ("Jake",), "Matthew": ("Matt",),
    "Christopher": ("Chris",), "Michael": ("Mike", "Mikey"), "Nathan": ("Nate",),
    "Charlie": ("Charles",), "Freddie": ("Frederick", "Fred"), "Archie": ("Archibald",),
    "Mohammed": ("Mohammad", "Muhammad", "Mohamed", "Mohd"),
    "Muhammad": ("Mohammed", "Mohamed"), "Mohamed": ("Mohammed", "Mohamad"),
    "Ibrahim": ("Ebrahim",), "Yusuf": ("Yousef", "Joseph"), "Hamza": ("Hamzah",),
    "Emmanuel": ("Emma", "Manny"), "Olumide": ("Mide",), "Tunde": ("Babatunde",),
    "Jakub": ("Kuba", "Jacob"), "Mateusz": ("Matthew",), "Andrei": ("Andrew",),
    "Olivia": ("Liv", "Livvy"), "Amelia": ("Millie", "Amy"), "Emily": ("Em", "Emmie"),
    "Sophie": ("Sophia",), "Jessica": ("Jess", "Jessie"), "Charlotte": ("Lottie", "Charlie"),
    "Rebecca": ("Becky", "Becca"), "Katherine": ("Kate", "Katie", "Kathryn"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"), "Abigail": ("Abi", "Abbie"), "Hannah": ("Hanna",),
    "Megan": ("Meg",), "Lauren": ("Loz",), "Aisha": ("Ayesha", "Aysha"), "Fatima": ("Fatimah",),
    "Maryam": ("Mariam", "Miriam"), "Khadija": ("Khadijah",), "Priya": ("Pri",),
    "Aaliyah": ("Aliyah",), "Chioma": ("Chi",), "Adaeze": ("Ada",), "Zuzanna": ("Zuzia",),
    "Katarzyna": ("Kasia", "Katherine"), "Natalia": ("Natalie",), "Yasmin": ("Jasmine",
    "Yasmine"), "Layla": ("Leila", "Laila"), "Noor": ("Nour",),
}


def _concat(groups: dict[str, tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """Flatten a {origin: names} dict into (names, offsets) arrays."""
    names: list[str] = []
    offsets = [0]
    for origin in ORIGINS:
        names.extend(groups[origin])
        offsets.append(len(names))
    return np.array(names, dtype=object), np.array(offsets)


def draw_names(
    rng: np.random.Generator, origin: np.ndarray, male: np.ndarray, table: str
) -> np.ndarray:
    """Draw a name per row from the table ('forename' or 'surname') for each origin index.

    Zipf-like weights inside each origin list make common names common.
    """
    if table == "surname":
        pools = [_concat(SURNAMES)]
    else:
        pools = [_concat(FORENAMES_F), _concat(FORENAMES_M)]
    out = np.empty(len(origin), dtype=object)
    u = rng.random(len(origin))
    for k, (names, offsets) in enumerate(pools):
        sel = np.ones(len(origin), bool) if table == "surname" else (male == bool(k))
        lo = offsets[origin[sel]]
        n = offsets[origin[sel] + 1] - lo
        # skewed index: u**1.8 concentrates on the first names in each list
        idx = lo + np.minimum((u[sel] ** 1.8 * n).astype(np.int64), n - 1)
        out[sel] = names[idx]
    return out


def nickname_table() -> dict[str, str]:
    """First variant of each formal name (deterministic choice used by error injection)."""
    return {k: v[0] for k, v in NICKNAMES.items()}
