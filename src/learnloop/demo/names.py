"""Given and family names the demo draws people from: varied, fictional combinations.

Lists are embedded so the demo needs no download and the same seed always gives the same people.
"""

from __future__ import annotations

__all__ = ["FAMILY_NAMES", "GIVEN_NAMES"]


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


GIVEN_NAMES = _names("""
    Aaliyah, Abdul, Ada, Adebayo, Aiko, Aisha, Alejandro, Aleksandra, Amara, Amir, Ana, Andrei,
    Anika, Arjun, Astrid, Ayesha, Bartosz, Beatriz, Bilal, Bram, Camila, Carlos, Chen, Chiara,
    Chidi, Clara, Daan, Dalia, Daniel, Darius, Deepa, Diego, Dmitri, Elif, Elena, Emeka, Emma,
    Esther, Fatima, Felix, Fenna, Finn, Gabriela, Grace, Hana, Hannah, Hamza, Hiroshi, Ibrahim,
    Ines, Isabel, Ivan, Jakub, James, Jasmine, Javier, Joana, João, Jonas, Julia, Kai, Karim,
    Katarzyna, Kenji, Kofi, Lars, Laila, Leila, Liam, Lina, Lotte, Lucas, Lucía, Maja, Malik,
    Marco, Mariam, Marta, Mateo, Maya, Mei, Mohammed, Nadia, Naledi, Nathan, Nia, Nikhil, Noah,
    Noor, Oliver, Olga, Omar, Oskar, Pedro, Piotr, Priya, Rafael, Rahul, Reza, Rosa, Ruth, Sakura,
    Samuel, Sanne, Sara, Sebastian, Sipho, Sofia, Sven, Tariq, Thandiwe, Thomas, Tomás, Valentina,
    Wei, Yara, Yusuf, Zainab, Zofia, Zoë
""")

FAMILY_NAMES = _names("""
    Abdi, Adeyemi, Ahmed, Alvarez, Andersen, Bakker, Banerjee, Bauer, Bennett, Boateng, Brouwer,
    Campbell, Carvalho, Castillo, Chen, Costa, Dąbrowski, de Jong, de Vries, Dlamini, Dubois, Evans,
    Fernandes, Fischer, Flores, Garcia, Gomes, González, Gupta, Haddad, Hansen, Hassan, Hughes,
    Ibrahim, Ivanova, Jansen, Johnson, Kamara, Kaur, Kim, Kowalczyk, Kowalski, Kumar, Lewandowski,
    Li, Lopes, Martin, Martins, Mendes, Mensah, Meyer, Mokoena, Morales, Moreau, Murphy, Mwangi,
    Nakamura, Nguyen, Nowak, Nowicka, Novak, Okafor, Okonkwo, O'Brien, Olsen, Osei, Park, Patel,
    Pereira, Petrov, Popescu, Quinn, Rahman, Ramos, Reddy, Ribeiro, Rodrigues, Rossi, Santos,
    Schmidt, Shah, Silva, Singh, Smit, Sousa, Suzuki, Tanaka, Taylor, Thompson, Usman, van Dijk,
    van den Berg, Visser, Walker, Wang, Williams, Wiśniewski, Wójcik, Yamamoto, Yilmaz, Zhang
""")
