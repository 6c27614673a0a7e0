"""The village map, built from what the roll-up says: plain records in, a folium page and a
compact JSON payload out; township boundaries checked before they are stored."""
