package com.example.importer;

import com.thoughtworks.xstream.XStream;

public class XmlImporter {
    private final XStream xstream = new XStream();

    public Object importDocument(String xml) {
        return xstream.fromXML(xml); // VULN
    }
}
